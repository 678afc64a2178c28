// The object-per-node baseline of the cycle benchmark (cycle.js, BENCHMARKS.md): kube-scheduler's
// default profile for plain pods, written the way a straightforward port of the Go code would be:
// one object per node with resource maps, every Filter plugin called per node, every Score plugin
// producing a list of {name, score} objects, NormalizeScore per list, totals in a Map, selectHost
// over the list. Same formulas (K8S-FACTS.md §5, §6) and the same one-PRNG-draw tie-break as the
// real scheduler, so on the same workload it makes the same decisions (its test compares the
// placement checksum: test/bench/framework/baseline-object.test.ts): the benchmark compares
// implementations, not answers.
//
// Scope: the plugins a SchedulingBasic-style pod exercises (NodeUnschedulable, NodeName,
// TaintToleration, NodeAffinity's nodeSelector, NodePorts, NodeResourcesFit with LeastAllocated
// on cpu/memory, NodeResourcesBalancedAllocation, ImageLocality). It is not a scheduler: no
// config, no preemption, no node affinity terms, no topology spreading.
//
// It uses podfit's own small helpers (quantity decoding, the score formulas, taint and image
// helpers, the PRNG) through `load`: the compiled ones in dist/ for benchmarks, the sources in
// src/ for its test (so the test never compares against a stale build). Types:
// baseline-object.d.ts beside this file.
import { dist } from '../common.js';

const MB = 1024 * 1024;

/**
 * The baseline scheduler class, over podfit's helpers: `load(modulePath)` imports one module by
 * its path under dist/ (the default, bench/common.js dist) or src/.
 */
export async function loadObjectBaseline(load = dist) {
  const [
    { nodeAllocatable },
    { CPU, MEMORY, PODS },
    { balancedFraction, balancedScoreFromStd, leastRequestedScore },
    { Prng },
    { DEFAULT_SEED, MAX_NODE_SCORE },
    { isDoNotScheduleTaint, tolerationsTolerateTaint },
    { normalizedImageName },
  ] = await Promise.all([
    load('model/cluster-state.js'),
    load('model/resources.js'),
    load('kernel/js-kernels.js'),
    load('framework/prng.js'),
    load('model/limits.js'),
    load('plugins/shared/taints.js'),
    load('plugins/shared/images.js'),
  ]);

  /** The baseline scheduler over its own node objects (kube's NodeInfo, ported directly). */
  class ObjectBaselineScheduler {
    nodes = [];
    byName = new Map();
    imageNodes = new Map();

    constructor(seed = DEFAULT_SEED) {
      this.prng = new Prng(seed);
    }

    /** Adds a node (allocatable decoded like ClusterState does). */
    addNode(node) {
      const allocatable = {};
      for (const [k, v] of nodeAllocatable(node)) allocatable[k] = v;
      const images = new Map();
      for (const im of node.status?.images ?? []) for (const n of im.names ?? []) images.set(n, im.sizeBytes ?? 0);
      for (const img of images.keys()) this.imageNodes.set(img, (this.imageNodes.get(img) ?? 0) + 1);
      const n = {
        name: node.metadata.name,
        labels: { ...(node.metadata.labels ?? {}) },
        taints: node.spec?.taints ?? [],
        unschedulable: node.spec?.unschedulable ?? false,
        allocatable,
        requested: {},
        nonZeroRequested: { cpu: 0, memory: 0 },
        pods: [],
        usedPorts: [],
        images,
      };
      this.nodes.push(n);
      this.byName.set(n.name, n);
      return n;
    }

    /** Assumes a pod on a node (kube's NodeInfo.AddPod). */
    assume(pod, nodeName) {
      this.apply(pod, this.byName.get(nodeName), 1);
    }

    /** Forgets an assumed pod (kube's NodeInfo.RemovePod). */
    forget(pod, nodeName) {
      this.apply(pod, this.byName.get(nodeName), -1);
    }

    apply(pod, node, sign) {
      for (const [k, v] of pod.requests) if (k !== PODS) node.requested[k] = (node.requested[k] ?? 0) + sign * v;
      node.requested[PODS] = (node.requested[PODS] ?? 0) + sign;
      node.nonZeroRequested.cpu += sign * pod.nonZeroCpuMilli;
      node.nonZeroRequested.memory += sign * pod.nonZeroMemoryBytes;
      if (sign > 0) {
        node.pods.push(pod);
        for (const p of pod.hostPorts) node.usedPorts.push(p);
      } else {
        node.pods.splice(node.pods.indexOf(pod), 1);
        for (const p of pod.hostPorts) node.usedPorts.splice(node.usedPorts.indexOf(p), 1);
      }
    }

    /** One scheduling cycle: the chosen node's name, or null. */
    schedule(pod) {
      // Filter: every plugin per node, stop at the first failure (kube's RunFilterPlugins).
      const statuses = new Map();
      const feasible = [];
      for (const node of this.nodes) {
        const v = this.runFilters(pod, node);
        if (v) statuses.set(node.name, v);
        else feasible.push(node);
      }
      if (feasible.length === 0) return null;
      if (feasible.length === 1) {
        this.prng.intn(1);
        return feasible[0].name;
      }
      // Score: one NodeScoreList per plugin, normalized, weighted, summed (kube's RunScorePlugins).
      const totals = new Map();
      const add = (list, weight) => {
        for (const s of list) totals.set(s.name, (totals.get(s.name) ?? 0) + s.score * weight);
      };
      add(this.scoreTaintToleration(pod, feasible), 3);
      add(this.scoreFit(pod, feasible), 1);
      add(this.scoreBalanced(pod, feasible), 1);
      add(this.scoreImageLocality(pod, feasible), 1);
      const list = feasible.map((n) => ({ name: n.name, score: totals.get(n.name) }));
      return this.selectHost(list);
    }

    /** The first failing Filter plugin's verdict ({plugin, reasons}), or null when the node fits. */
    runFilters(pod, node) {
      if (node.unschedulable && !tolerationsTolerateTaint(pod.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
        return { plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'] };
      }
      if (pod.nodeName !== undefined && pod.nodeName !== node.name) {
        return { plugin: 'NodeName', reasons: ["node(s) didn't match the requested node name"] };
      }
      for (const t of node.taints) {
        if (isDoNotScheduleTaint(t) && !tolerationsTolerateTaint(pod.tolerations, t)) {
          return { plugin: 'TaintToleration', reasons: [`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`] };
        }
      }
      for (const [k, v] of Object.entries(pod.nodeSelector ?? {})) {
        if (node.labels[k] !== v) return { plugin: 'NodeAffinity', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
      }
      for (const want of pod.hostPorts) {
        for (const used of node.usedPorts) {
          if (used.port === want.port && used.protocol === want.protocol && (used.hostIP === '0.0.0.0' || want.hostIP === '0.0.0.0' || used.hostIP === want.hostIP)) {
            return { plugin: 'NodePorts', reasons: ["node(s) didn't have free ports for the requested pod ports"] };
          }
        }
      }
      const reasons = [];
      if ((node.requested[PODS] ?? 0) + 1 > (node.allocatable[PODS] ?? 0)) reasons.push('Too many pods');
      for (const [name, amount] of pod.requests) {
        if (name === PODS) continue;
        if (amount > (node.allocatable[name] ?? 0) - (node.requested[name] ?? 0)) reasons.push(`Insufficient ${name}`);
      }
      return reasons.length > 0 ? { plugin: 'NodeResourcesFit', reasons } : null;
    }

    scoreTaintToleration(pod, nodes) {
      const tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      const list = nodes.map((n) => ({
        name: n.name,
        score: n.taints.filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)).length,
      }));
      // DefaultNormalizeScore(reverse).
      const max = Math.max(0, ...list.map((s) => s.score));
      for (const s of list) s.score = max === 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE - Math.trunc((MAX_NODE_SCORE * s.score) / max);
      return list;
    }

    scoreFit(pod, nodes) {
      return nodes.map((n) => {
        let score = 0;
        let weights = 0;
        for (const [res, req, podReq] of [
          [CPU, n.nonZeroRequested.cpu, pod.nonZeroCpuMilli],
          [MEMORY, n.nonZeroRequested.memory, pod.nonZeroMemoryBytes],
        ]) {
          const alloc = n.allocatable[res] ?? 0;
          if (alloc === 0) continue;
          score += leastRequestedScore(req + podReq, alloc);
          weights += 1;
        }
        return { name: n.name, score: weights === 0 ? 0 : Math.trunc(score / weights) };
      });
    }

    scoreBalanced(pod, nodes) {
      return nodes.map((n) => {
        const fractions = [];
        for (const res of [CPU, MEMORY]) {
          const alloc = n.allocatable[res] ?? 0;
          if (alloc === 0) continue;
          fractions.push(balancedFraction((n.requested[res] ?? 0) + (pod.requests.get(res) ?? 0), alloc));
        }
        const std = fractions.length === 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0;
        return { name: n.name, score: balancedScoreFromStd(std) };
      });
    }

    scoreImageLocality(pod, nodes) {
      const images = [...(pod.pod.spec.initContainers ?? []), ...(pod.pod.spec.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
      const total = this.nodes.length;
      return nodes.map((n) => {
        let sum = 0;
        for (const img of images) {
          const size = n.images.get(img);
          if (size !== undefined) sum += Math.trunc(size * ((this.imageNodes.get(img) ?? 0) / total));
        }
        const maxThreshold = 1000 * MB * images.length;
        const clamped = Math.min(Math.max(sum, 23 * MB), maxThreshold);
        return { name: n.name, score: Math.trunc((MAX_NODE_SCORE * (clamped - 23 * MB)) / (maxThreshold - 23 * MB)) + 0 };
      });
    }

    /** podfit's selectHost: one draw k among the top scores, the k-th of them in node order. */
    selectHost(list) {
      let max = -Infinity;
      for (const s of list) if (s.score > max) max = s.score;
      const top = list.filter((s) => s.score === max);
      return top[this.prng.intn(top.length)].name;
    }
  }

  return ObjectBaselineScheduler;
}
