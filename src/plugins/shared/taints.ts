/**
 * Toleration matching for the plugins. The semantics live in model/taints.ts, where what sits
 * beside the framework (the DaemonSet controller of the what-if expansion) can use them too.
 */
export * from '../../model/taints.js';
