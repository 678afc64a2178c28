/**
 * The nodes as the kernel executions (the fused cycle, class batching) see them: node index i is
 * state.nodes[i] (node order), with its NodeTable row and node class in arrays of kernel memory,
 * one representative node per live class, and the node index of every row. Rebuilt when the node
 * set or a node's class changes (ClusterState.nodeGeneration), never per cycle.
 */
import type { ClusterState, NodeInfo } from '../model/cluster-state.js';
import type { Kernels } from '../kernel/kernels.js';

/** Capacity for n elements: doubling from 64. */
export function grownLength(have: number, n: number): number {
  let cap = Math.max(64, have);
  while (cap < n) cap *= 2;
  return cap;
}

/** A state's nodes by index, row and class (see the file comment). */
export class NodeView {
  /** ClusterState.nodeGeneration the view reflects (-1: never built). */
  generation = -1;
  /** Node count. */
  n = 0;
  /** NodeTable row of node index i. */
  rows: Int32Array = new Int32Array(0);
  /** Class of node index i. */
  classes: Int32Array = new Int32Array(0);
  /** Node index of each row (-1: no node), by row, for the table's capacity. */
  nodeOfRow: Int32Array = new Int32Array(0);
  /** rows[i] === i for every node (kernels then skip the indirection). */
  rowsIdentity = false;
  /** The one class every node is in, or -1. */
  singleClass = -1;
  /** One node per class with members (the first in node order), by class id. */
  reps: Array<NodeInfo | undefined> = [];
  /** Class ids with members, ascending. */
  liveClasses: number[] = [];
  /** Number of classes (ids are below it). */
  classCount = 0;

  constructor(private readonly state: ClusterState, private readonly kernels: Kernels) {}

  /** Brings the view up to the state's nodes; true when it was rebuilt. */
  refresh(): boolean {
    const state = this.state;
    if (this.generation === state.nodeGeneration && this.nodeOfRow.length >= state.table.capacity) return false;
    const nodes = state.nodes;
    const n = nodes.length;
    const k = this.kernels;
    if (this.rows.length < n) {
      const len = grownLength(this.rows.length, n);
      this.rows = k.allocI32(len);
      this.classes = k.allocI32(len);
    }
    const capacity = state.table.capacity;
    if (this.nodeOfRow.length < capacity) this.nodeOfRow = k.allocI32(grownLength(this.nodeOfRow.length, capacity));
    this.nodeOfRow.fill(-1);
    const classCount = state.classes.length;
    this.reps = new Array<NodeInfo | undefined>(classCount).fill(undefined);
    let identity = true;
    for (let i = 0; i < n; i++) {
      const node = nodes[i]!;
      this.rows[i] = node.row;
      this.nodeOfRow[node.row] = i;
      if (node.row !== i) identity = false;
      this.classes[i] = node.classId;
      if (this.reps[node.classId] === undefined) this.reps[node.classId] = node;
    }
    this.rowsIdentity = identity;
    this.liveClasses = [];
    for (let c = 0; c < classCount; c++) if (this.reps[c] !== undefined) this.liveClasses.push(c);
    this.singleClass = this.liveClasses.length === 1 ? this.liveClasses[0]! : -1;
    this.classCount = classCount;
    this.n = n;
    this.generation = state.nodeGeneration;
    return true;
  }
}
