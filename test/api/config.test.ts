import { describe, it, expect, vi, afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  defaultSchedulerConfig,
  loadSchedulerConfig,
  parseSchedulerConfig,
  type ResolvedProfile,
  type SchedulerConfig,
} from '../../src/api/config.js';
import { parseGoDuration } from '../../src/api/config-extenders.js';
import { InputError } from '../../src/api/errors.js';
import { EXTENSION_POINTS, type ExtensionPoint } from '../../src/framework/interfaces.js';
import { getPluginDefinition } from '../../src/plugins/registry.js';

const HEAD = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';
const parse = (body: string): SchedulerConfig => parseSchedulerConfig(HEAD + body, 'config.yaml');
const names = (p: ResolvedProfile, point: ExtensionPoint): string[] => p.plugins[point].map((x) => x.name);
const weights = (p: ResolvedProfile): Array<[string, number]> => p.plugins.score.map((x) => [x.name, x.weight]);
const first = (c: SchedulerConfig): ResolvedProfile => c.profiles[0]!;

/** The error message thrown for a config body (fails the test if nothing is thrown). */
function errorOf(body: string, text = HEAD + body, fileName = 'config.yaml'): InputError {
  try {
    parseSchedulerConfig(text, fileName);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

// kube v1.32's default profile after multiPoint expansion (pkg/scheduler/apis/config/testing/
// defaults/defaults.go ExpandedPluginsV1, minus the cloud volume-limit plugins removed in 1.31).
const KUBE_EXPANDED_DEFAULT: Record<ExtensionPoint, Array<[string, number]>> = {
  preEnqueue: [['SchedulingGates', 0]],
  queueSort: [['PrioritySort', 0]],
  preFilter: [
    ['NodeAffinity', 0], ['NodePorts', 0], ['NodeResourcesFit', 0], ['VolumeRestrictions', 0],
    ['NodeVolumeLimits', 0], ['VolumeBinding', 0], ['VolumeZone', 0], ['PodTopologySpread', 0], ['InterPodAffinity', 0],
  ],
  filter: [
    ['NodeUnschedulable', 0], ['NodeName', 0], ['TaintToleration', 0], ['NodeAffinity', 0], ['NodePorts', 0],
    ['NodeResourcesFit', 0], ['VolumeRestrictions', 0], ['NodeVolumeLimits', 0], ['VolumeBinding', 0],
    ['VolumeZone', 0], ['PodTopologySpread', 0], ['InterPodAffinity', 0],
  ],
  postFilter: [['DefaultPreemption', 0]],
  preScore: [
    ['TaintToleration', 0], ['NodeAffinity', 0], ['NodeResourcesFit', 0], ['VolumeBinding', 0],
    ['PodTopologySpread', 0], ['InterPodAffinity', 0], ['NodeResourcesBalancedAllocation', 0],
  ],
  score: [
    ['TaintToleration', 3], ['NodeAffinity', 2], ['NodeResourcesFit', 1], ['VolumeBinding', 1],
    ['PodTopologySpread', 2], ['InterPodAffinity', 2], ['NodeResourcesBalancedAllocation', 1], ['ImageLocality', 1],
  ],
  reserve: [['VolumeBinding', 0]],
  permit: [],
  preBind: [['VolumeBinding', 0]],
  bind: [['DefaultBinder', 0]],
  postBind: [],
};

// Registry `points` that differ from kube's interface assertions. Expansion follows the
// registry; the test tolerates exactly these gaps (none today) and no more.
const KNOWN_REGISTRY_GAPS = new Set<string>();

describe('default configuration', () => {
  const cfg = defaultSchedulerConfig();

  it('has kube defaults for the global settings', () => {
    expect(cfg.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler']);
    expect(cfg.parallelism).toBe(16);
    expect(cfg.podInitialBackoffSeconds).toBe(1);
    expect(cfg.podMaxBackoffSeconds).toBe(10);
    expect(cfg.percentageOfNodesToScore).toBeUndefined();
    expect(first(cfg).percentageOfNodesToScore).toBeUndefined();
    expect(cfg.extenders).toEqual([]);
  });

  it.each(EXTENSION_POINTS)('expands multiPoint at %s in kube order with kube weights', (point) => {
    const expected = KUBE_EXPANDED_DEFAULT[point].filter(([name]) => {
      const implementsPoint = getPluginDefinition(name)!.points.includes(point);
      if (!implementsPoint) expect(KNOWN_REGISTRY_GAPS.has(`${point}/${name}`)).toBe(true);
      return implementsPoint;
    });
    expect(first(cfg).plugins[point].map((p) => [p.name, p.weight])).toEqual(expected);
  });

  it('gives every enabled plugin with args its kube default args', () => {
    const args = first(cfg).pluginArgs;
    expect([...args.keys()].sort()).toEqual([
      'DefaultPreemption', 'InterPodAffinity', 'NodeAffinity', 'NodeResourcesBalancedAllocation',
      'NodeResourcesFit', 'PodTopologySpread', 'VolumeBinding',
    ]);
    expect(args.get('NodeResourcesFit')).toEqual({
      ignoredResources: [],
      ignoredResourceGroups: [],
      scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] },
    });
    expect(args.get('NodeResourcesBalancedAllocation')).toEqual({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] });
    expect(args.get('NodeAffinity')).toEqual({});
    expect(args.get('InterPodAffinity')).toEqual({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });
    expect(args.get('PodTopologySpread')).toEqual({ defaultConstraints: [], defaultingType: 'System' });
    expect(args.get('DefaultPreemption')).toEqual({ minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 });
    expect(args.get('VolumeBinding')).toEqual({ bindTimeoutSeconds: 600 });
  });

  it('equals a file with only apiVersion and kind, in YAML and in JSON', () => {
    expect(parse('')).toEqual(cfg);
    const json = JSON.stringify({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration' });
    expect(parseSchedulerConfig(json, 'config.json')).toEqual(cfg);
    expect(parse('profiles: []\nextenders: null\n')).toEqual(cfg);
  });

  it('accepts and ignores kube-scheduler operational fields', () => {
    const c = parse(`clientConnection:
  kubeconfig: /etc/kubernetes/scheduler.conf
  qps: 100
leaderElection:
  leaderElect: true
enableProfiling: true
enableContentionProfiling: false
healthzBindAddress: 0.0.0.0:10251
metricsBindAddress: 0.0.0.0:10251
delayCacheUntilActive: true
featureGates:
  SomeGate: true
`);
    expect(c).toEqual(cfg);
  });
});

describe('plugin set merge and multiPoint expansion', () => {
  const defaultScore = KUBE_EXPANDED_DEFAULT.score.filter(([n]) => getPluginDefinition(n)!.points.includes('score'));
  const defaultScoreNames = defaultScore.map(([n]) => n);

  it('disables one default plugin through multiPoint at every point', () => {
    const p = first(parse('profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: NodeAffinity\n'));
    for (const point of EXTENSION_POINTS) expect(names(p, point)).not.toContain('NodeAffinity');
    expect(names(p, 'filter')).toContain('TaintToleration');
    expect(p.pluginArgs.has('NodeAffinity')).toBe(false);
  });

  it('disables a plugin at one point only', () => {
    const p = first(parse('profiles:\n- plugins:\n    score:\n      disabled:\n      - name: NodeResourcesBalancedAllocation\n'));
    expect(names(p, 'score')).toEqual(defaultScoreNames.filter((n) => n !== 'NodeResourcesBalancedAllocation'));
    expect(names(p, 'preScore')).toContain('NodeResourcesBalancedAllocation');
    expect(p.pluginArgs.has('NodeResourcesBalancedAllocation')).toBe(true);
  });

  it('disables * in multiPoint, then enables a custom set in the user order', () => {
    const p = first(
      parse(`profiles:
- plugins:
    multiPoint:
      enabled:
      - name: PrioritySort
      - name: ImageLocality
      - name: NodeResourcesFit
        weight: 5
      - name: DefaultBinder
      disabled:
      - name: '*'
`),
    );
    expect(weights(p)).toEqual([['ImageLocality', 1], ['NodeResourcesFit', 5]]);
    expect(names(p, 'filter')).toEqual(['NodeResourcesFit']);
    expect(names(p, 'queueSort')).toEqual(['PrioritySort']);
    expect(names(p, 'bind')).toEqual(['DefaultBinder']);
    expect(names(p, 'preEnqueue')).toEqual([]);
    expect([...p.pluginArgs.keys()]).toEqual(['NodeResourcesFit']);
  });

  it('disables * at one point: that point gets only its own plugins, no multiPoint expansion', () => {
    const p = first(
      parse(`profiles:
- plugins:
    score:
      enabled:
      - name: ImageLocality
        weight: 4
      - name: NodeResourcesFit
      disabled:
      - name: '*'
`),
    );
    expect(weights(p)).toEqual([['ImageLocality', 4], ['NodeResourcesFit', 1]]);
    expect(names(p, 'preScore')).toContain('TaintToleration');
  });

  it('re-enabling a default in multiPoint with a new weight replaces it in place', () => {
    const p = first(parse('profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: NodeResourcesFit\n        weight: 7\n'));
    expect(weights(p)).toEqual(defaultScore.map(([n, w]) => [n, n === 'NodeResourcesFit' ? 7 : w]));
    expect(names(p, 'filter')).toEqual(names(first(defaultSchedulerConfig()), 'filter'));
  });

  it('a plugin re-listed at a specific point is an override: it runs first there, with that weight', () => {
    const p = first(parse('profiles:\n- plugins:\n    score:\n      enabled:\n      - name: ImageLocality\n        weight: 5\n'));
    expect(weights(p)).toEqual([['ImageLocality', 5], ...defaultScore.filter(([n]) => n !== 'ImageLocality')]);
    expect(names(p, 'preScore')).toEqual(names(first(defaultSchedulerConfig()), 'preScore'));
  });

  it('orders overrides, then multiPoint, then the remaining specific plugins', () => {
    const p = first(
      parse(`profiles:
- plugins:
    multiPoint:
      disabled:
      - name: NodeName
    filter:
      enabled:
      - name: NodeName
      - name: TaintToleration
`),
    );
    const defaults = names(first(defaultSchedulerConfig()), 'filter');
    expect(names(p, 'filter')).toEqual(['TaintToleration', ...defaults.filter((n) => n !== 'NodeName' && n !== 'TaintToleration'), 'NodeName']);
  });

  it('score weights: the specific score entry wins over multiPoint; weight 0 becomes 1', () => {
    const p = first(
      parse(`profiles:
- plugins:
    multiPoint:
      enabled:
      - name: ImageLocality
        weight: 9
      - name: TaintToleration
        weight: 0
    score:
      enabled:
      - name: ImageLocality
        weight: 4
`),
    );
    const w = new Map(weights(p));
    expect(w.get('ImageLocality')).toBe(4);
    expect(w.get('TaintToleration')).toBe(1);
    expect(p.plugins.filter.every((x) => x.weight === 0)).toBe(true);
  });

  it('enabled wins over disabled in the same set: the plugin moves after the defaults', () => {
    const p = first(
      parse('profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: NodeAffinity\n        weight: 5\n      disabled:\n      - name: NodeAffinity\n'),
    );
    expect(names(p, 'filter').at(-1)).toBe('NodeAffinity');
    expect(weights(p).at(-1)).toEqual(['NodeAffinity', 5]);
  });

  it('ignores unknown names in disabled lists, as kube does', () => {
    expect(first(parse('profiles:\n- plugins:\n    filter:\n      disabled:\n      - name: NoSuchPlugin\n')).plugins).toEqual(
      first(defaultSchedulerConfig()).plugins,
    );
  });

  it('gives each profile its own plugins', () => {
    const c = parse(`profiles:
- schedulerName: a
- schedulerName: b
  plugins:
    multiPoint:
      disabled:
      - name: ImageLocality
`);
    expect(c.profiles.map((p) => p.schedulerName)).toEqual(['a', 'b']);
    expect(names(c.profiles[0]!, 'score')).toContain('ImageLocality');
    expect(names(c.profiles[1]!, 'score')).not.toContain('ImageLocality');
  });
});

describe('plugin args', () => {
  it('parses NodeResourcesFit args with defaults (JSON input)', () => {
    const json = JSON.stringify({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      profiles: [
        {
          pluginConfig: [
            {
              name: 'NodeResourcesFit',
              args: { ignoredResourceGroups: ['example.com'], scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu' }, { name: 'nvidia.com/gpu', weight: 0 }] } },
            },
          ],
        },
      ],
    });
    expect(first(parseSchedulerConfig(json, 'c.json')).pluginArgs.get('NodeResourcesFit')).toEqual({
      ignoredResources: [],
      ignoredResourceGroups: ['example.com'],
      scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'nvidia.com/gpu', weight: 1 }] },
    });
  });

  it('fills empty scoringStrategy resources with cpu and memory', () => {
    const a = first(parse('profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: MostAllocated\n')).pluginArgs;
    expect(a.get('NodeResourcesFit')).toMatchObject({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } });
  });

  it('accepts TypeMeta inside args', () => {
    const a = first(
      parse(`profiles:
- pluginConfig:
  - name: InterPodAffinity
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: InterPodAffinityArgs
      hardPodAffinityWeight: 7
`),
    ).pluginArgs;
    expect(a.get('InterPodAffinity')).toEqual({ hardPodAffinityWeight: 7, ignorePreferredTermsOfExistingPods: false });
  });

  it('parses PodTopologySpread List constraints and NodeAffinity addedAffinity', () => {
    const a = first(
      parse(`profiles:
- pluginConfig:
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
  - name: NodeAffinity
    args:
      addedAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions:
            - key: pool
              operator: In
              values: [batch]
`),
    ).pluginArgs;
    expect(a.get('PodTopologySpread')).toEqual({
      defaultingType: 'List',
      defaultConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
    });
    expect(a.get('NodeAffinity')).toMatchObject({
      addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['batch'] }] }] } },
    });
  });

  it('parses the RequestedToCapacityRatio shape', () => {
    const a = first(
      parse(`profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: RequestedToCapacityRatio
        requestedToCapacityRatio:
          shape:
          - utilization: 0
            score: 10
          - {utilization: 100}
`),
    ).pluginArgs;
    expect(a.get('NodeResourcesFit')).toMatchObject({
      scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } },
    });
  });
});

/** A profile with one pluginConfig entry for `name` with the given YAML args (indented 6). */
const withArgs = (name: string, args: string): string => `profiles:\n- pluginConfig:\n  - name: ${name}\n    args:\n${args}`;
const A = 'config.yaml: profiles[0].pluginConfig[0].args';

describe('validation errors name the file and the field path', () => {
  const cases: Array<[string, string, string]> = [
    // structure and identity
    ['unknown top-level key', 'profile: []\n', 'config.yaml: profile: unknown field "profile"'],
    ['typo in a plugin set key', 'profiles:\n- plugins:\n    fliter: {}\n', 'config.yaml: profiles[0].plugins.fliter: unknown field "fliter"'],
    ['typo inside a plugin set', 'profiles:\n- plugins:\n    filter:\n      enable: []\n', 'config.yaml: profiles[0].plugins.filter.enable: unknown field "enable"'],
    ['wrong type', 'parallelism: many\n', 'config.yaml: parallelism: Invalid input: expected number, received string'],
    ['unknown extender key', 'extenders:\n- urlPrefix: http://x\n  filterVerbs: f\n', 'config.yaml: extenders[0].filterVerbs: unknown field "filterVerbs"'],
    // global settings
    ['parallelism 0', 'parallelism: 0\n', 'config.yaml: parallelism: Invalid value: 0: should be an integer value greater than zero'],
    ['global percentage 101', 'percentageOfNodesToScore: 101\n', 'config.yaml: percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]'],
    ['profile percentage -1', 'profiles:\n- percentageOfNodesToScore: -1\n', 'config.yaml: profiles[0].percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]'],
    ['initial backoff 0', 'podInitialBackoffSeconds: 0\n', 'config.yaml: podInitialBackoffSeconds: Invalid value: 0: must be greater than 0'],
    ['max backoff < initial', 'podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 4\n', 'config.yaml: podMaxBackoffSeconds: Invalid value: 4: must be greater than or equal to PodInitialBackoffSeconds'],
    // profiles
    ['duplicate schedulerName', 'profiles:\n- schedulerName: a\n- schedulerName: a\n', 'config.yaml: profiles[1].schedulerName: Duplicate value: profiles[0].schedulerName'],
    ['unnamed profile among several', 'profiles:\n- schedulerName: a\n- {}\n', 'config.yaml: profiles[1].schedulerName: Required value'],
    ['empty schedulerName', 'profiles:\n- schedulerName: ""\n', 'config.yaml: profiles[0].schedulerName: Required value'],
    // plugin sets
    ['unknown plugin', 'profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: Foo\n', 'config.yaml: profiles[0].plugins.multiPoint.enabled[0].name: Invalid value: "Foo": plugin "Foo" does not exist; known plugins: SchedulingGates,'],
    ['removed plugin', 'profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: EBSLimits\n', 'config.yaml: profiles[0].plugins.filter.enabled[0]: Invalid value: "EBSLimits": was invalid in version "kubescheduler.config.k8s.io/v1" (KubeSchedulerConfiguration is version "kubescheduler.config.k8s.io/v1")'],
    ['plugin at a point it does not implement', 'profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: ImageLocality\n', 'config.yaml: profiles[0].plugins.filter.enabled[0].name: Invalid value: "ImageLocality": plugin "ImageLocality" does not extend FilterPlugin plugin'],
    ['duplicate at a specific point', 'profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: NodeName\n      - name: NodeName\n', 'config.yaml: profiles[0].plugins.filter.enabled[1].name: Duplicate value: "NodeName": plugin "NodeName" already registered as "FilterPlugin"'],
    ['duplicate multiPoint registration', 'profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: ImageLocality\n      - name: ImageLocality\n', 'config.yaml: profiles[0].plugins.multiPoint.enabled[0].name: Duplicate value: "ImageLocality": plugin "ImageLocality" already registered as "ScorePlugin"'],
    ['no queue sort plugin', 'profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: PrioritySort\n', 'config.yaml: profiles[0].plugins.queueSort: Invalid value: 0: only one queue sort plugin required for profile with scheduler name "default-scheduler", but got 0'],
    ['no bind plugin', 'profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: DefaultBinder\n', 'config.yaml: profiles[0].plugins.bind: Required value: at least one bind plugin is needed for profile with scheduler name "default-scheduler"'],
    ['queueSort differs across profiles', 'profiles:\n- schedulerName: a\n- schedulerName: b\n  plugins:\n    queueSort:\n      enabled:\n      - name: PrioritySort\n', 'config.yaml: profiles[1].plugins.queueSort: Invalid value: {"enabled":[{"name":"PrioritySort"}],"disabled":[]}: must be the same for all profiles'],
    // pluginConfig
    ['duplicate pluginConfig', 'profiles:\n- pluginConfig:\n  - name: NodeAffinity\n  - name: NodeAffinity\n', 'config.yaml: profiles[0].pluginConfig[1]: Duplicate value: "NodeAffinity"'],
    ['pluginConfig for an unknown plugin', 'profiles:\n- pluginConfig:\n  - name: Foo\n', 'config.yaml: profiles[0].pluginConfig[0].name: Invalid value: "Foo": plugin "Foo" does not exist'],
    ['pluginConfig for a removed plugin', 'profiles:\n- pluginConfig:\n  - name: GCEPDLimits\n', 'config.yaml: profiles[0].pluginConfig[0]: Invalid value: "GCEPDLimits": was invalid in version'],
    ['unknown args field', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: LeastAllocated\n        shape: []\n'), `${A}.scoringStrategy.shape: unknown field "shape"`],
    ['args kind mismatch', withArgs('NodeResourcesFit', '      kind: VolumeBindingArgs\n'), `${A}.kind: Invalid value: "VolumeBindingArgs": args for plugin NodeResourcesFit must be of kind "NodeResourcesFitArgs"`],
    // NodeResourcesFit
    ['scoring type unsupported (second pluginConfig entry)', 'profiles:\n- pluginConfig:\n  - name: NodeAffinity\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Foo\n', 'config.yaml: profiles[0].pluginConfig[1].args.scoringStrategy.type: Unsupported value: "Foo": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"'],
    ['scoringStrategy without type is not defaulted', withArgs('NodeResourcesFit', '      scoringStrategy:\n        resources: [{name: cpu}]\n'), `${A}.scoringStrategy.type: Unsupported value: "": supported values:`],
    ['resource weight 101', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: MostAllocated\n        resources: [{name: cpu, weight: 101}]\n'), `${A}.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]`],
    ['resource weight negative', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: MostAllocated\n        resources: [{name: cpu, weight: 1}, {name: memory, weight: -1}]\n'), `${A}.scoringStrategy.resources[1].weight: Invalid value: -1: resource weight of memory not in valid range (0, 100]`],
    ['RTCR without its params', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: RequestedToCapacityRatio\n'), `${A}.scoringStrategy.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio`],
    ['RTCR params with another type', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: LeastAllocated\n        requestedToCapacityRatio:\n          shape: [{utilization: 0, score: 0}]\n'), `${A}.scoringStrategy.requestedToCapacityRatio: Forbidden: must be nil when type is not RequestedToCapacityRatio`],
    ['empty shape', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: RequestedToCapacityRatio\n        requestedToCapacityRatio: {shape: []}\n'), `${A}.scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified`],
    ['unsorted shape', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: RequestedToCapacityRatio\n        requestedToCapacityRatio:\n          shape: [{utilization: 50, score: 1}, {utilization: 50, score: 2}]\n'), `${A}.scoringStrategy.requestedToCapacityRatio.shape[1].utilization: Invalid value: 50: values must be sorted in increasing order`],
    ['shape score 11', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: RequestedToCapacityRatio\n        requestedToCapacityRatio:\n          shape: [{utilization: 0, score: 11}]\n'), `${A}.scoringStrategy.requestedToCapacityRatio.shape[0].score: Invalid value: 11: not in valid range [0, 10]`],
    ['shape utilization 101', withArgs('NodeResourcesFit', '      scoringStrategy:\n        type: RequestedToCapacityRatio\n        requestedToCapacityRatio:\n          shape: [{utilization: 101, score: 1}]\n'), `${A}.scoringStrategy.requestedToCapacityRatio.shape[0].utilization: Invalid value: 101: not in valid range [0, 100]`],
    ['bad ignoredResources name', withArgs('NodeResourcesFit', '      ignoredResources: ["a/b/c"]\n'), `${A}.ignoredResources[0]: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['ignoredResourceGroups with a slash', withArgs('NodeResourcesFit', '      ignoredResourceGroups: ["example.com/gpu"]\n'), `${A}.ignoredResourceGroups[0]: Invalid value: "example.com/gpu": resource group name can't contain '/'`],
    ['args of a disabled plugin are still validated', 'profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: NodeResourcesFit\n  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Foo\n', `${A}.scoringStrategy.type: Unsupported value: "Foo"`],
    // other plugins' args
    ['BalancedAllocation weight 2', withArgs('NodeResourcesBalancedAllocation', '      resources: [{name: cpu, weight: 2}]\n'), `${A}.resources[0].weight: Invalid value: 2: must be 1`],
    ['BalancedAllocation duplicate', withArgs('NodeResourcesBalancedAllocation', '      resources: [{name: cpu}, {name: cpu}]\n'), `${A}.resources[1].name: Duplicate value: "cpu"`],
    ['hardPodAffinityWeight 101', withArgs('InterPodAffinity', '      hardPodAffinityWeight: 101\n'), `${A}.hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]`],
    ['preemption percentage 101', withArgs('DefaultPreemption', '      minCandidateNodesPercentage: 101\n'), `${A}.minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]`],
    ['preemption absolute -1', withArgs('DefaultPreemption', '      minCandidateNodesAbsolute: -1\n'), `${A}.minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)`],
    ['preemption both zero', withArgs('DefaultPreemption', '      minCandidateNodesPercentage: 0\n      minCandidateNodesAbsolute: 0\n'), `${A}.minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute; ` +
        'profiles[0].pluginConfig[0].args.minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage'],
    ['spread defaultingType', withArgs('PodTopologySpread', '      defaultingType: Foo\n'), `${A}.defaultingType: Unsupported value: "Foo": supported values: "System", "List"`],
    ['spread System with constraints', withArgs('PodTopologySpread', '      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n'), `${A}.defaultingType: Invalid value: "System": when .defaultConstraints are not empty`],
    ['spread maxSkew 0', withArgs('PodTopologySpread', '      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n'), `${A}.defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)`],
    ['spread empty topologyKey', withArgs('PodTopologySpread', '      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, whenUnsatisfiable: DoNotSchedule}\n'), `${A}.defaultConstraints[0].topologyKey: Required value: can not be empty`],
    ['spread bad whenUnsatisfiable', withArgs('PodTopologySpread', '      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Never}\n'), `${A}.defaultConstraints[0].whenUnsatisfiable: Unsupported value: "Never": supported values: "DoNotSchedule", "ScheduleAnyway"`],
    ['spread labelSelector', withArgs('PodTopologySpread', '      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {}}\n'), `${A}.defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`],
    ['spread repeated constraint', withArgs('PodTopologySpread', '      defaultingType: List\n      defaultConstraints:\n      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n      - {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n'), `${A}.defaultConstraints[1]: Duplicate value: "{zone, DoNotSchedule}"`],
    ['volume bind timeout -1', withArgs('VolumeBinding', '      bindTimeoutSeconds: -1\n'), `${A}.bindTimeoutSeconds: Invalid value: -1: invalid BindTimeoutSeconds, should not be a negative value`],
    ['volume shape without its gate', withArgs('VolumeBinding', '      shape: [{utilization: 0, score: 0}]\n'), `${A}.shape: Invalid value: [{"utilization":0,"score":0}]: unexpected field \`shape\`, remove it or turn on the feature gate VolumeCapacityPriority`],
    ['added affinity bad operator', withArgs('NodeAffinity', '      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchExpressions: [{key: a, operator: Is, values: [b]}]\n'), `${A}.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: "Is": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"`],
    ['added affinity In without values', withArgs('NodeAffinity', '      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchExpressions: [{key: a, operator: In}]\n'), `${A}.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`],
    ['added affinity Gt not an integer', withArgs('NodeAffinity', '      addedAffinity:\n        preferredDuringSchedulingIgnoredDuringExecution:\n        - weight: 1\n          preference:\n            matchExpressions: [{key: a, operator: Gt, values: [x]}]\n'), `${A}.addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['added affinity matchFields two values', withArgs('NodeAffinity', '      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchFields: [{key: metadata.name, operator: In, values: [a, b]}]\n'), `${A}.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values: Invalid value: ["a","b"]: must have one element`],
    ['added affinity bad key', withArgs('NodeAffinity', '      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchExpressions: [{key: "-a", operator: Exists}]\n'), `${A}.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key: Invalid value: "-a": name part must consist of alphanumeric characters`],
    // extenders
    ['prioritize without weight', 'extenders:\n- urlPrefix: http://x\n  prioritizeVerb: prioritize\n', 'config.yaml: extenders[0].weight: Invalid value: 0: must have a positive weight applied to it'],
    ['two binders', 'extenders:\n- {urlPrefix: http://a, bindVerb: bind}\n- {urlPrefix: http://b, bindVerb: bind}\n', 'config.yaml: extenders: Invalid value: "found 2 extenders implementing bind": only one extender can implement bind'],
    ['managed resource not extended', 'extenders:\n- urlPrefix: http://x\n  managedResources: [{name: cpu}]\n', 'config.yaml: extenders[0].managedResources[0].name: Invalid value: "cpu": is an invalid extended resource name'],
    ['managed resource not a qualified name', 'extenders:\n- urlPrefix: http://x\n  managedResources: [{name: "example.com/"}]\n', 'config.yaml: extenders[0].managedResources[0].name: Invalid value: "example.com/": name part must be non-empty'],
    ['duplicate managed resource across extenders', 'extenders:\n- urlPrefix: http://a\n  managedResources: [{name: example.com/foo}]\n- urlPrefix: http://b\n  managedResources: [{name: example.com/foo}]\n', 'config.yaml: extenders[1].managedResources[0].name: Invalid value: "example.com/foo": duplicate extender managed resource name'],
    ['bad httpTimeout', 'extenders:\n- {urlPrefix: http://x, httpTimeout: abc}\n', 'config.yaml: extenders[0].httpTimeout: Invalid value: "abc": time: invalid duration "abc"'],
    ['httpTimeout without unit', 'extenders:\n- {urlPrefix: http://x, httpTimeout: "30"}\n', 'config.yaml: extenders[0].httpTimeout: Invalid value: "30": time: missing unit in duration "30"'],
    ['httpTimeout as a number', 'extenders:\n- {urlPrefix: http://x, httpTimeout: 30}\n', 'config.yaml: extenders[0].httpTimeout: Invalid input: expected string, received number'],
    ['bad base64', 'extenders:\n- urlPrefix: https://x\n  tlsConfig: {caData: "not base64!"}\n', 'config.yaml: extenders[0].tlsConfig.caData: Invalid value: illegal base64 data'],
  ];

  it.each(cases)('%s', (_name, body, message) => {
    expect(errorOf(body).message).toContain(message);
  });

  it('sets InputError.field to the first failing path', () => {
    expect(errorOf('profiles:\n- percentageOfNodesToScore: 200\n').field).toBe('profiles[0].percentageOfNodesToScore');
  });

  it.each([
    ['missing apiVersion', 'kind: KubeSchedulerConfiguration\n', 'config.yaml: apiVersion: Required value: must be "kubescheduler.config.k8s.io/v1"'],
    ['old apiVersion', 'apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n', 'config.yaml: apiVersion: Unsupported value: "kubescheduler.config.k8s.io/v1beta3": supported values: "kubescheduler.config.k8s.io/v1"'],
    ['wrong kind', 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: Policy\n', 'config.yaml: kind: Unsupported value: "Policy": supported values: "KubeSchedulerConfiguration"'],
    ['not an object', '- a\n- b\n', 'config.yaml: expected a KubeSchedulerConfiguration object'],
    ['empty file', '', 'config.yaml: expected a KubeSchedulerConfiguration object'],
    ['YAML syntax', 'apiVersion: [\n', 'config.yaml: invalid YAML:'],
    ['duplicate YAML key', 'apiVersion: a\napiVersion: b\n', 'config.yaml: invalid YAML: Map keys must be unique'],
  ])('%s', (_name, text, message) => {
    expect(errorOf('', text).message).toContain(message);
  });

  it('parses .json files as strict JSON', () => {
    expect(errorOf('', '{"apiVersion": }', 'config.json').message).toMatch(/^config\.json: invalid JSON: /);
    const tabs = '{\n\t"apiVersion": "kubescheduler.config.k8s.io/v1",\n\t"kind": "KubeSchedulerConfiguration",\n\t"parallelism": 4\n}\n';
    expect(parseSchedulerConfig(tabs, 'config.json').parallelism).toBe(4);
    expect(parseSchedulerConfig(tabs, 'config.yaml').parallelism).toBe(4);
  });
});

describe('extenders', () => {
  it('applies defaults to every field', () => {
    const c = parse('extenders:\n- urlPrefix: http://ext:8888/scheduler\n  filterVerb: filter\n');
    expect(c.extenders).toEqual([
      {
        urlPrefix: 'http://ext:8888/scheduler',
        filterVerb: 'filter',
        preemptVerb: '',
        prioritizeVerb: '',
        bindVerb: '',
        weight: 0,
        enableHTTPS: false,
        httpTimeoutMs: 5000,
        nodeCacheCapable: false,
        managedResources: [],
        ignorable: false,
      },
    ]);
    expect(first(c).pluginArgs.get('NodeResourcesFit')).toMatchObject({ ignoredResources: [] });
  });

  it('keeps every field that is set, and decodes inline TLS data from base64', () => {
    const c = parse(`extenders:
- urlPrefix: https://ext
  filterVerb: f
  preemptVerb: pr
  prioritizeVerb: p
  weight: 3
  bindVerb: b
  enableHTTPS: true
  tlsConfig:
    insecure: false
    serverName: ext.local
    caFile: /ca.pem
    caData: ${Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64')}
  httpTimeout: 1m30s
  nodeCacheCapable: true
  managedResources:
  - name: example.com/foo
    ignoredByScheduler: true
  ignorable: true
`);
    const e = c.extenders[0]!;
    expect(e).toMatchObject({ preemptVerb: 'pr', prioritizeVerb: 'p', weight: 3, bindVerb: 'b', enableHTTPS: true, httpTimeoutMs: 90000, nodeCacheCapable: true, ignorable: true });
    expect(e.managedResources).toEqual([{ name: 'example.com/foo', ignoredByScheduler: true }]);
    expect(e.tlsConfig).toMatchObject({ insecure: false, serverName: 'ext.local', caFile: '/ca.pem', certFile: '', keyFile: '' });
    expect(e.tlsConfig?.caData?.toString('utf8')).toBe('-----BEGIN CERTIFICATE-----');
    expect(e.tlsConfig?.certData).toBeUndefined();
  });

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2us', 0.002],
    ['0s', 5000],
    ['0', 5000],
  ])('httpTimeout %s -> %d ms', (text, ms) => {
    expect(parse(`extenders:\n- {urlPrefix: http://x, httpTimeout: "${text}"}\n`).extenders[0]!.httpTimeoutMs).toBe(ms);
  });

  it.each([
    ['1h2m3.5s', 3_723_500_000_000],
    ['-1.5s', -1_500_000_000],
    ['+.5ms', 500_000],
    ['3µs', 3000],
    ['3μs', 3000],
  ])('parseGoDuration(%s) = %d ns', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each([['', 'time: invalid duration ""'], ['.s', 'time: invalid duration ".s"'], ['1x', 'time: unknown unit "x" in duration "1x"'], ['5', 'time: missing unit in duration "5"']])(
    'parseGoDuration(%j) fails like Go',
    (text, message) => {
      expect(() => parseGoDuration(text)).toThrow(message);
    },
  );

  it('rejects a negative httpTimeout', () => {
    expect(errorOf('extenders:\n- {urlPrefix: http://x, httpTimeout: "-1s"}\n').message).toBe(
      'config.yaml: extenders[0].httpTimeout: Invalid value: "-1s": must not be negative',
    );
  });

  it('moves ignorable extenders to the end, keeping relative order', () => {
    const c = parse(`extenders:
- {urlPrefix: http://a, ignorable: true}
- {urlPrefix: http://b}
- {urlPrefix: http://c, ignorable: true}
- {urlPrefix: http://d}
`);
    expect(c.extenders.map((e) => e.urlPrefix)).toEqual(['http://b', 'http://d', 'http://a', 'http://c']);
  });

  it('replaces NodeResourcesFit ignoredResources in every profile with the extender-ignored resources (kube buildExtenders)', () => {
    const c = parse(`profiles:
- schedulerName: a
  pluginConfig:
  - name: NodeResourcesFit
    args:
      ignoredResources: [example.com/mine]
      scoringStrategy: {type: MostAllocated}
- schedulerName: b
extenders:
- urlPrefix: http://x
  managedResources:
  - {name: example.com/gpu, ignoredByScheduler: true}
  - {name: example.com/watched}
- urlPrefix: http://y
  managedResources:
  - {name: example.com/fpga, ignoredByScheduler: true}
`);
    const [a, b] = c.profiles;
    expect(a!.pluginArgs.get('NodeResourcesFit')).toEqual({
      ignoredResources: ['example.com/gpu', 'example.com/fpga'],
      ignoredResourceGroups: [],
      scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] },
    });
    expect(b!.pluginArgs.get('NodeResourcesFit')).toMatchObject({ ignoredResources: ['example.com/gpu', 'example.com/fpga'], scoringStrategy: { type: 'LeastAllocated' } });
  });

  it('creates NodeResourcesFit args for ignored resources even when the plugin is disabled', () => {
    const c = parse(`profiles:
- plugins:
    multiPoint:
      disabled: [{name: NodeResourcesFit}]
extenders:
- urlPrefix: http://x
  managedResources: [{name: example.com/gpu, ignoredByScheduler: true}]
`);
    expect(first(c).pluginArgs.get('NodeResourcesFit')).toMatchObject({ ignoredResources: ['example.com/gpu'] });
  });
});

describe('warnings for plugins not implemented yet', () => {
  afterEach(() => {
    vi.doUnmock('../../src/plugins/registry.js');
    vi.resetModules();
  });

  /** Loads config.ts against a registry where only `unimplemented` plugins are placeholders. */
  async function withRegistry(unimplemented: readonly string[]): Promise<typeof import('../../src/api/config.js')> {
    vi.resetModules();
    vi.doMock('../../src/plugins/registry.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../src/plugins/registry.js')>();
      const plugins = real.PLUGINS.map((p) => ({ ...p, implemented: !unimplemented.includes(p.name) }));
      const byName = new Map(plugins.map((p) => [p.name, p]));
      return { PLUGINS: plugins, getPluginDefinition: (name: string) => byName.get(name) };
    });
    return import('../../src/api/config.js');
  }

  it('warns once per enabled placeholder, but not for default volume plugins', async () => {
    const m = await withRegistry(['ImageLocality', 'VolumeZone', 'VolumeBinding']);
    expect(m.defaultSchedulerConfig().warnings).toEqual(['ImageLocality: not implemented yet; skipped']);
    const two = m.parseSchedulerConfig(`${HEAD}profiles:\n- schedulerName: a\n- schedulerName: b\n`, 'c.yaml');
    expect(two.warnings).toEqual(['ImageLocality: not implemented yet; skipped']);
    // The plugin stays in the resolved lists: the runtime decides what to do with it.
    expect(two.profiles[0]!.plugins.score.map((p) => p.name)).toContain('ImageLocality');
  });

  it('warns for a volume plugin the user enables explicitly', async () => {
    const m = await withRegistry(['VolumeZone', 'VolumeBinding']);
    const c = m.parseSchedulerConfig(`${HEAD}profiles:\n- plugins:\n    filter:\n      enabled: [{name: VolumeZone}]\n`, 'c.yaml');
    expect(c.warnings).toEqual(['VolumeZone: not implemented yet; skipped']);
  });

  it('does not warn for a disabled placeholder', async () => {
    const m = await withRegistry(['ImageLocality']);
    const c = m.parseSchedulerConfig(`${HEAD}profiles:\n- plugins:\n    multiPoint:\n      disabled: [{name: ImageLocality}]\n`, 'c.yaml');
    expect(c.warnings).toEqual([]);
  });

  it('warns that args of a plugin without args are ignored', () => {
    const c = parse('profiles:\n- pluginConfig:\n  - name: ImageLocality\n    args: {foo: 1}\n');
    expect(c.warnings).toContain('ImageLocality: pluginConfig args ignored (the plugin takes no args)');
  });
});

describe('example configs', () => {
  const example = (name: string): string => fileURLToPath(new URL(`../../examples/config/${name}`, import.meta.url));

  it('bin-packing.yaml: MostAllocated, fit weight 5 in place, no BalancedAllocation', () => {
    const p = first(loadSchedulerConfig(example('bin-packing.yaml')));
    expect(p.pluginArgs.get('NodeResourcesFit')).toMatchObject({ scoringStrategy: { type: 'MostAllocated' } });
    expect(new Map(weights(p)).get('NodeResourcesFit')).toBe(5);
    expect(names(p, 'score')).not.toContain('NodeResourcesBalancedAllocation');
    expect(p.pluginArgs.has('NodeResourcesBalancedAllocation')).toBe(false);
  });

  it('gpu-requested-to-capacity-ratio.yaml: RTCR shape and GPU weight 3', () => {
    const p = first(loadSchedulerConfig(example('gpu-requested-to-capacity-ratio.yaml')));
    expect(p.pluginArgs.get('NodeResourcesFit')).toEqual({
      ignoredResources: [],
      ignoredResourceGroups: [],
      scoringStrategy: {
        type: 'RequestedToCapacityRatio',
        resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'nvidia.com/gpu', weight: 3 }],
        requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] },
      },
    });
  });

  it('two-profiles.yaml: two named profiles with their own settings', () => {
    const c = loadSchedulerConfig(example('two-profiles.yaml'));
    expect(c.profiles.map((p) => [p.schedulerName, p.percentageOfNodesToScore])).toEqual([
      ['default-scheduler', undefined],
      ['bin-packing-scheduler', 50],
    ]);
    expect(c.percentageOfNodesToScore).toBe(100);
    const packing = c.profiles[1]!;
    expect(weights(packing)[0]).toEqual(['ImageLocality', 2]);
    expect(names(packing, 'score')).not.toContain('NodeResourcesBalancedAllocation');
    expect(packing.pluginArgs.get('NodeResourcesFit')).toMatchObject({ scoringStrategy: { type: 'MostAllocated' } });
    expect(c.profiles[0]!.pluginArgs.get('NodeResourcesFit')).toMatchObject({ scoringStrategy: { type: 'LeastAllocated' } });
  });

  it('a missing file is an InputError naming the path', () => {
    expect(() => loadSchedulerConfig('/nonexistent/sched.yaml')).toThrow(/\/nonexistent\/sched\.yaml: cannot read scheduler configuration/);
  });
});
