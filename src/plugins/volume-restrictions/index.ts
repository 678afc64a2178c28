/**
 * VolumeRestrictions: placeholder definition. Accepted in configuration; not implemented yet, so the framework
 * warns and leaves it out of results.
 */
import type { PluginDefinition } from '../../framework/interfaces.js';
import { PodfitError } from '../../model/error-codes.js';

/** Registry entry for VolumeRestrictions. */
export const definition: PluginDefinition = {
  name: 'VolumeRestrictions',
  points: ['preFilter', 'filter'],
  implemented: false,
  notModeled: "podfit's inputs carry no PersistentVolumes, claims or CSI objects for it to read",
  factory: () => {
    throw new PodfitError('PODFIT_ERR_PLUGIN_NOT_IMPLEMENTED', 'VolumeRestrictions');
  },
};
