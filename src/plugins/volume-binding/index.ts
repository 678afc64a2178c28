/**
 * VolumeBinding: placeholder definition. Accepted in configuration; not implemented yet, so the framework
 * warns and leaves it out of results.
 */
import type { PluginDefinition } from '../../framework/interfaces.js';

/** Registry entry for VolumeBinding. */
export const definition: PluginDefinition = {
  name: 'VolumeBinding',
  points: ['preFilter', 'filter', 'reserve', 'preBind', 'preScore', 'score'],
  implemented: false,
  factory: () => {
    throw new Error('PODFIT_ERR_PLUGIN_NOT_IMPLEMENTED: VolumeBinding');
  },
};
