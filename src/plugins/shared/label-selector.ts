/**
 * Label and node selectors for the plugins. The semantics live in model/label-selector.ts, where
 * what sits beside the framework (the what-if workload expansion) can use them too.
 */
export * from '../../model/label-selector.js';
