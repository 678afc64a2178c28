/**
 * VolumeBinding: placeholder definition. Accepted in configuration; not implemented yet, so the framework
 * warns and leaves it out of results.
 */
import type { PluginDefinition } from '../../framework/interfaces.js';
import { argsSchema, type VolumeBindingArgs } from './args.js';
import { PodfitError } from '../../model/error-codes.js';

/** Registry entry for VolumeBinding. */
export const definition: PluginDefinition<VolumeBindingArgs> = {
  name: 'VolumeBinding',
  points: ['preFilter', 'filter', 'reserve', 'preBind', 'preScore', 'score'],
  argsSchema,
  implemented: false,
  notModeled: "podfit's inputs carry no PersistentVolumes, claims or CSI objects for it to read",
  factory: () => {
    throw new PodfitError('PODFIT_ERR_PLUGIN_NOT_IMPLEMENTED', 'VolumeBinding');
  },
};
