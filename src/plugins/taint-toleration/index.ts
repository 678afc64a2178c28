/**
 * TaintToleration: placeholder definition. Accepted in configuration; not implemented yet, so the framework
 * warns and leaves it out of results.
 */
import type { PluginDefinition } from '../../framework/interfaces.js';

/** Registry entry for TaintToleration. */
export const definition: PluginDefinition = {
  name: 'TaintToleration',
  points: ['filter', 'preScore', 'score'],
  implemented: false,
  factory: () => {
    throw new Error('PODFIT_ERR_PLUGIN_NOT_IMPLEMENTED: TaintToleration');
  },
};
