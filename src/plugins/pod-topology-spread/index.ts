/**
 * PodTopologySpread: placeholder definition. Accepted in configuration; not implemented yet, so the framework
 * warns and leaves it out of results.
 */
import type { PluginDefinition } from '../../framework/interfaces.js';

/** Registry entry for PodTopologySpread. */
export const definition: PluginDefinition = {
  name: 'PodTopologySpread',
  points: ['preFilter', 'filter', 'preScore', 'score'],
  implemented: false,
  factory: () => {
    throw new Error('PODFIT_ERR_PLUGIN_NOT_IMPLEMENTED: PodTopologySpread');
  },
};
