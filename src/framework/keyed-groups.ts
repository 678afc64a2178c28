/**
 * A `topology` Score part class batching follows by key (ScorePlugin.scoreKeys): nodes of one class
 * with equal keys get equal raw scores and the same NormalizeScore treatment, so the part is scored
 * and normalized once per group (class, key) holding a feasible node, on one of its feasible nodes,
 * instead of once per feasible node, and each node's value is its group's. Keys change only on the
 * nodes pods land on or leave (the extension's contract), so after placements only those nodes are
 * keyed again. PodTopologySpread's system default spreading on 5,000 nodes has a few groups per
 * class (one per count of the owner's pods on a node), against 5,000 nodes scored per placement.
 */
import type { NodeInfo } from '../model/cluster-state.js';
import { grownLength } from './node-view.js';

/** The groups of one keyed part (see the file comment). */
export class KeyedGroups {
  /** Group of each node (node order). */
  readonly groupOf: Int32Array;
  /** Per group: its normalized value (0 until its first scoring), and its feasible members (units' scratch). */
  value = new Float64Array(16);
  private members = new Int32Array(16);
  /** Groups by class and key (key * classCount + class). */
  private readonly ids = new Map<number, number>();
  private count = 0;
  /** The key function of the current PreScore state. */
  private keyOf: ((node: NodeInfo) => number) | null = null;

  constructor(n: number, private readonly classCount: number) {
    this.groupOf = new Int32Array(Math.max(1, n));
  }

  /** Keys every node with a new key function (the part's PreScore ran). */
  assign(keyOf: (node: NodeInfo) => number, nodes: readonly NodeInfo[], classes: Int32Array, n: number): void {
    this.keyOf = keyOf;
    for (let i = 0; i < n; i++) this.groupOf[i] = this.idOf(keyOf(nodes[i]!), classes[i]!);
  }

  /** Keys node i again (a pod landed on it or left it); whether its group changed. */
  rekey(i: number, node: NodeInfo, classId: number): boolean {
    const g = this.idOf(this.keyOf!(node), classId);
    if (g === this.groupOf[i]) return false;
    this.groupOf[i] = g;
    return true;
  }

  private idOf(key: number, classId: number): number {
    const k = key * this.classCount + classId;
    let g = this.ids.get(k);
    if (g === undefined) {
      g = this.count++;
      this.ids.set(k, g);
      if (g >= this.value.length) {
        const len = grownLength(this.value.length, g + 1);
        const v = new Float64Array(len);
        v.set(this.value);
        this.value = v;
        this.members = new Int32Array(len);
      }
      this.value[g] = 0;
    }
    return g;
  }

  /**
   * The groups holding a feasible node, with one feasible member each, into `units` (the nodes)
   * and `groups` (their ids), in the order of their first feasible node.
   */
  units(feasible: Int32Array, n: number, nodes: readonly NodeInfo[], units: NodeInfo[], groups: number[]): void {
    const members = this.members;
    members.fill(0, 0, this.count);
    const groupOf = this.groupOf;
    units.length = 0;
    groups.length = 0;
    for (let i = 0; i < n; i++) {
      if (feasible[i] === 0) continue;
      const g = groupOf[i]!;
      if (members[g]!++ === 0) {
        units.push(nodes[i]!);
        groups.push(g);
      }
    }
  }
}
