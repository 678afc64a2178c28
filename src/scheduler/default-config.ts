/**
 * The built-in configuration of `podfit scheduler` when no --config is given: one profile named
 * `podfit`, the bin-packing profile of `podfit serve` (extender/default-config.ts: kube's filters,
 * NodeResourcesFit MostAllocated as the only score). Pods select it with `schedulerName: podfit`.
 */
import { parseSchedulerConfig, type SchedulerConfig } from '../api/config.js';
import { DEFAULT_EXTENDER_CONFIG_YAML } from '../extender/default-config.js';

/** The default profile's schedulerName. */
export const DEFAULT_SCHEDULER_NAME = 'podfit';

/** The profile text: serve's, under the name `podfit`. */
export const DEFAULT_SCHEDULER_CONFIG_YAML = DEFAULT_EXTENDER_CONFIG_YAML.replace('- schedulerName: default-scheduler', `- schedulerName: ${DEFAULT_SCHEDULER_NAME}`);

/** The built-in configuration, parsed. */
export function defaultSchedulerConfig(): SchedulerConfig {
  return parseSchedulerConfig(DEFAULT_SCHEDULER_CONFIG_YAML, '<built-in podfit scheduler profile>');
}
