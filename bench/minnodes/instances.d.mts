/** Types of instances.mjs for the tests that use it. */
export const DATA: string;
export interface BinPackingInstance {
  set: 'panigrahy' | 'new' | 'triplet' | 'triplet2d' | 'bpp1d';
  cls: string;
  name: string;
  dims: number;
  capacity: number[];
  items: number[][];
  /** The proven optimum, or -1. */
  opt: number;
  lb: number;
  /** Mommessin et al.'s best per family (vbp sets only). */
  published?: { overall: number; ic: number; bc: number; pairing: number; wfd: number };
}
export function parseVbp(text: string): { dims: number; capacity: number[]; items: number[][] };
/** With `shuffle`, each instance's items in a fixed order seeded by its name (shuffleItems). */
export function loadInstances(opts?: { sets?: string[]; shuffle?: boolean }): BinPackingInstance[];
export function shuffleItems(items: number[][], name: string): number[][];
