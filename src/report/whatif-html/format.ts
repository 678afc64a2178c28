/** Text the whatif page's HTML is written with: escaping, and numbers and amounts for people. */
import { CPU, EPHEMERAL_STORAGE, MEMORY, isHugePageResourceName } from '../../model/resources.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `s` as HTML text or a quoted attribute value: every string from the data goes through this (pod names are user data). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** An integer with thousands separators (`12,345`), the same on every machine. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A percentage with one decimal (`42.5%`). */
export function formatPct(pct: number): string {
  return `${pct.toFixed(1)}%`;
}

const BINARY_UNITS = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Bytes in binary units with at most one decimal (`1.5Gi`), as kubectl would write them. */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < BINARY_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${BINARY_UNITS[u]}`;
}

/** An amount of a resource in its base unit (cpu millicores, bytes, counts), for people: `12.5 cores`, `64Gi`, `110`. */
export function formatAmount(resource: string, amount: number): string {
  if (resource === CPU) return `${Number((amount / 1000).toFixed(1)).toLocaleString('en-US')} cores`;
  if (resource === MEMORY || resource === EPHEMERAL_STORAGE || isHugePageResourceName(resource)) return formatBytes(amount);
  return formatInt(amount);
}

/** Percent of `part` in `whole` rounded to one decimal; 0 when `whole` is 0. */
export function pctOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0;
}
