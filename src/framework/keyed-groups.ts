/**
 * A `topology` Score part class batching follows by key (ScorePlugin.scoreKeys): nodes of one class
 * with equal keys get equal raw scores and the same NormalizeScore treatment, so the part is scored
 * and normalized once per group (class, key) holding a feasible node, on one of its feasible nodes,
 * instead of once per feasible node, and its weighted value is the group's base in the index
 * (class_leaves adds groupBase[groups[i]] to node i's total). A placement then costs the kernels a
 * relink when a group's value moved, and JS only the groups: PodTopologySpread's system default
 * spreading on 5,000 nodes has a few groups per class (one per count of the owner's pods on a
 * node). Keys change only on the nodes pods land on or leave (the extension's contract), so after
 * placements only those nodes are keyed again.
 */
import type { NodeInfo } from '../model/cluster-state.js';

/** The groups of one keyed part (see the file comment). */
export class KeyedGroups {
  /** Groups by class and key (key * classCount + class). */
  private readonly ids = new Map<number, number>();
  private count = 0;
  /** Per group: feasible members, and one of them (-1: to be found), as of the census. */
  private readonly members: Int32Array;
  private readonly rep: Int32Array;
  /** The feasible-set generation of the census (members and reps follow rekeys after it). */
  private censusGen = -1;
  /** The key function of the current PreScore state. */
  private keyOf: ((node: NodeInfo) => number) | null = null;

  /** The key function the nodes were keyed with (null before assign). */
  get keyFunction(): ((node: NodeInfo) => number) | null {
    return this.keyOf;
  }

  /**
   * `groupOf` (node i's group, n entries) and `base` (weighted value per group; its length bounds
   * the groups) live in kernel memory: the index reads them.
   */
  constructor(readonly groupOf: Int32Array, readonly base: Float64Array, private readonly classCount: number) {
    this.members = new Int32Array(base.length);
    this.rep = new Int32Array(base.length);
  }

  /** Keys every node with a new key function (the part's PreScore ran); false when the groups overflow `base`. */
  assign(keyOf: (node: NodeInfo) => number, nodes: readonly NodeInfo[], classes: Int32Array, n: number): boolean {
    this.keyOf = keyOf;
    this.censusGen = -1;
    for (let i = 0; i < n; i++) {
      const g = this.idOf(keyOf(nodes[i]!), classes[i]!);
      if (g < 0) return false;
      this.groupOf[i] = g;
    }
    return true;
  }

  /**
   * Keys node i again (a pod landed on it or left it): 1 when its group changed, 0 when not, -1
   * when the groups overflow `base`.
   */
  rekey(i: number, node: NodeInfo, classId: number, feasible: Int32Array): number {
    const g = this.idOf(this.keyOf!(node), classId);
    if (g < 0) return -1;
    const before = this.groupOf[i]!;
    if (g === before) return 0;
    this.groupOf[i] = g;
    if (feasible[i] !== 0) {
      this.members[before]!--;
      if (this.rep[before] === i) this.rep[before] = -1;
      if (this.members[g]!++ === 0 || this.rep[g]! < 0) this.rep[g] = i;
    }
    return 1;
  }

  private idOf(key: number, classId: number): number {
    const k = key * this.classCount + classId;
    let g = this.ids.get(k);
    if (g === undefined) {
      if (this.count >= this.base.length) return -1;
      g = this.count++;
      this.ids.set(k, g);
      this.base[g] = 0;
      this.members[g] = 0;
      this.rep[g] = -1;
    }
    return g;
  }

  /**
   * The groups holding a feasible node, one feasible member each, into `units` (the nodes) and
   * `groups` (their ids), in group order. A census over every node when the feasible set moved
   * (`feasibleGen`), else the members as rekeys left them, a pass over the nodes only to find a
   * member for a group whose member moved away.
   */
  units(feasible: Int32Array, feasibleGen: number, n: number, nodes: readonly NodeInfo[], units: NodeInfo[], groups: number[]): void {
    const members = this.members;
    const rep = this.rep;
    const groupOf = this.groupOf;
    const count = this.count;
    let missing = false;
    if (feasibleGen !== this.censusGen) {
      members.fill(0, 0, count);
      rep.fill(-1, 0, count);
      for (let i = 0; i < n; i++) {
        if (feasible[i] === 0) continue;
        const g = groupOf[i]!;
        if (members[g]!++ === 0) rep[g] = i;
      }
      this.censusGen = feasibleGen;
    } else {
      for (let g = 0; g < count; g++) if (members[g]! > 0 && rep[g]! < 0) missing = true;
    }
    if (missing) {
      for (let i = 0; i < n; i++) {
        if (feasible[i] === 0) continue;
        const g = groupOf[i]!;
        if (rep[g]! < 0) rep[g] = i;
      }
    }
    units.length = 0;
    groups.length = 0;
    for (let g = 0; g < count; g++) {
      if (members[g] === 0) continue;
      units.push(nodes[rep[g]!]!);
      groups.push(g);
    }
  }
}
