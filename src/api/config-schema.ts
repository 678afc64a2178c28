/**
 * The structure of a KubeSchedulerConfiguration v1 file (kube-scheduler config/v1/types.go), as
 * strict zod objects: kube decodes this file strictly, so an unknown or misspelt key fails.
 * `null` is accepted wherever a field is optional (Go decodes JSON null as the zero value).
 * Plugin args stay `unknown` here; each plugin's argsSchema parses them later.
 */
import { z } from 'zod';

/** The only accepted apiVersion. */
export const CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';
/** The only accepted kind. */
export const CONFIG_KIND = 'KubeSchedulerConfiguration';

/** One plugin entry of a PluginSet: name and (score only) weight, int32. */
export const pluginEntrySchema = z.strictObject({
  name: z.string(),
  weight: z.int32().nullish(),
});

/** enabled/disabled lists of one extension point (or multiPoint). */
export const pluginSetSchema = z.strictObject({
  enabled: z.array(pluginEntrySchema).nullish(),
  disabled: z.array(pluginEntrySchema).nullish(),
});

/** kube's Plugins: one PluginSet per extension point, plus multiPoint. */
export const pluginsSchema = z.strictObject({
  preEnqueue: pluginSetSchema.nullish(),
  queueSort: pluginSetSchema.nullish(),
  preFilter: pluginSetSchema.nullish(),
  filter: pluginSetSchema.nullish(),
  postFilter: pluginSetSchema.nullish(),
  preScore: pluginSetSchema.nullish(),
  score: pluginSetSchema.nullish(),
  reserve: pluginSetSchema.nullish(),
  permit: pluginSetSchema.nullish(),
  preBind: pluginSetSchema.nullish(),
  bind: pluginSetSchema.nullish(),
  postBind: pluginSetSchema.nullish(),
  multiPoint: pluginSetSchema.nullish(),
});

/** One `pluginConfig` entry; args are parsed by the plugin's own schema. */
export const pluginConfigSchema = z.strictObject({
  name: z.string(),
  args: z.unknown().optional(),
});

/** One scheduling profile. */
export const profileSchema = z.strictObject({
  schedulerName: z.string().nullish(),
  percentageOfNodesToScore: z.int32().nullish(),
  plugins: pluginsSchema.nullish(),
  pluginConfig: z.array(pluginConfigSchema).nullish(),
});

/** ExtenderTLSConfig; the *Data fields are base64 in YAML/JSON (Go []byte). */
export const extenderTlsConfigSchema = z.strictObject({
  insecure: z.boolean().nullish(),
  serverName: z.string().nullish(),
  certFile: z.string().nullish(),
  keyFile: z.string().nullish(),
  caFile: z.string().nullish(),
  certData: z.string().nullish(),
  keyData: z.string().nullish(),
  caData: z.string().nullish(),
});

/** ExtenderManagedResource. */
export const managedResourceSchema = z.strictObject({
  name: z.string(),
  ignoredByScheduler: z.boolean().nullish(),
});

/** Extender (K8S-FACTS.md §3). httpTimeout is a Go duration string ("30s", "1m30s"). */
export const extenderSchema = z.strictObject({
  urlPrefix: z.string().nullish(),
  filterVerb: z.string().nullish(),
  preemptVerb: z.string().nullish(),
  prioritizeVerb: z.string().nullish(),
  weight: z.number().int().nullish(),
  bindVerb: z.string().nullish(),
  enableHTTPS: z.boolean().nullish(),
  tlsConfig: extenderTlsConfigSchema.nullish(),
  httpTimeout: z.string().nullish(),
  nodeCacheCapable: z.boolean().nullish(),
  managedResources: z.array(managedResourceSchema).nullish(),
  ignorable: z.boolean().nullish(),
});

/**
 * The whole file. kube-scheduler's operational fields (client connection, leader election,
 * profiling, bind addresses, cache timing, feature gates) are accepted and ignored: podfit has
 * no use for them, but a real kube-scheduler config must load unchanged.
 */
export const kubeSchedulerConfigurationSchema = z.strictObject({
  apiVersion: z.string().nullish(),
  kind: z.string().nullish(),
  parallelism: z.int32().nullish(),
  percentageOfNodesToScore: z.int32().nullish(),
  podInitialBackoffSeconds: z.number().int().nullish(),
  podMaxBackoffSeconds: z.number().int().nullish(),
  profiles: z.array(profileSchema).nullish(),
  extenders: z.array(extenderSchema).nullish(),
  clientConnection: z.unknown().optional(),
  leaderElection: z.unknown().optional(),
  enableProfiling: z.unknown().optional(),
  enableContentionProfiling: z.unknown().optional(),
  healthzBindAddress: z.unknown().optional(),
  metricsBindAddress: z.unknown().optional(),
  delayCacheUntilActive: z.unknown().optional(),
  featureGates: z.unknown().optional(),
});

/** A decoded (not yet defaulted) KubeSchedulerConfiguration. */
export type RawSchedulerConfiguration = z.infer<typeof kubeSchedulerConfigurationSchema>;
/** A decoded profile. */
export type RawProfile = z.infer<typeof profileSchema>;
/** A decoded PluginSet. */
export type RawPluginSet = z.infer<typeof pluginSetSchema>;
/** A decoded Plugins block. */
export type RawPlugins = z.infer<typeof pluginsSchema>;
/** A decoded extender. */
export type RawExtender = z.infer<typeof extenderSchema>;
