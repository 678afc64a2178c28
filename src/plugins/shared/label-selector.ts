/**
 * Label and node selectors live in model/label-selector.ts: the plugins and the what-if steps
 * (cordon, drain and PodDisruptionBudgets select with them) share one implementation, and
 * whatif/ may not import plugins/. Re-exported here so the plugins' imports stay as they were.
 */
export * from '../../model/label-selector.js';
