/**
 * The built-in profile of `podfit serve` when no --config is given: kube's filters, and
 * NodeResourcesFit MostAllocated as the only score (bin-packing). The text is the same as
 * examples/config/extender-bin-packing.yaml (a test keeps them equal); the README's
 * "podfit serve" section explains the choice.
 */
import { parseSchedulerConfig, type SchedulerConfig } from '../api/config.js';

/** Where the copy of this profile lives in the repository. */
export const DEFAULT_EXTENDER_CONFIG_FILE = 'examples/config/extender-bin-packing.yaml';

/** The profile text. */
export const DEFAULT_EXTENDER_CONFIG_YAML = `# podfit serve's default profile (built in; this file is a copy you can edit and pass with --config).
# It runs beside kube-scheduler's own plugins, so it only adds what they lack:
# - Filter: kube's default filters, unchanged, so podfit's filter and preempt answers are the ones
#   kube-scheduler would give for the same state (and podfit's FailedNodes reasons are kube's).
# - Score: only NodeResourcesFit with MostAllocated (cpu and memory, weight 1 each): a node scores
#   how full it would be with the pod. kube's default profile scores the opposite way
#   (LeastAllocated) plus balance, image, affinity and spread scores, which kube-scheduler already
#   computes; repeating them here would only count them twice.
# - PreScore: only NodeResourcesFit, so no time goes into preparing scores nobody uses.
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    preScore:
      disabled:
      - name: '*'
      enabled:
      - name: NodeResourcesFit
    score:
      disabled:
      - name: '*'
      enabled:
      - name: NodeResourcesFit
        weight: 1
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources:
        - name: cpu
          weight: 1
        - name: memory
          weight: 1
`;

/** The built-in profile, parsed. */
export function defaultExtenderConfig(): SchedulerConfig {
  return parseSchedulerConfig(DEFAULT_EXTENDER_CONFIG_YAML, '<built-in bin-packing profile>');
}
