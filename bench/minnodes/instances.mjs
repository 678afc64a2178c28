// The reference bin-packing instances of ../shared/data/binpacking (their README gives the format
// and where the optima come from), read into plain arrays for minNodes' numeric core.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where the shared data lives (PODFIT_BINPACKING overrides). */
const HERE = path.dirname(new URL(import.meta.url).pathname);
/** ../shared/data/binpacking beside the repository, or PODFIT_BINPACKING, or the project's main checkout's. */
export const DATA = process.env.PODFIT_BINPACKING
  ?? [path.resolve(HERE, '..', '..', '..', 'shared', 'data', 'binpacking'), '/work/shared/data/binpacking'].find((d) => existsSync(d))
  ?? path.resolve(HERE, '..', '..', '..', 'shared', 'data', 'binpacking');

/** A VPSolver `.vbp` file: { dims, capacity, items } (multiplicities expanded). */
export function parseVbp(text) {
  const t = text.trim().split(/\s+/).map(Number);
  let k = 0;
  const dims = t[k++];
  const capacity = t.slice(k, k + dims);
  k += dims;
  const m = t[k++];
  const items = [];
  for (let i = 0; i < m; i++) {
    const w = t.slice(k, k + dims);
    k += dims;
    const q = t[k++];
    for (let c = 0; c < q; c++) items.push(w);
  }
  return { dims, capacity, items };
}

function readTable(file, nameCol, optCol, lbCol) {
  const out = new Map();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/).slice(1)) {
    const f = line.split('\t');
    if (f.length < 3) continue;
    out.set(f[nameCol], { opt: Number(f[optCol]), lb: Number(f[lbCol]), row: f });
  }
  return out;
}

/**
 * Every instance: { set, cls, name, dims, capacity, items, opt (or -1), lb, published } where
 * published is the Mommessin et al. row (best_overall, best_IC, best_BC, best_MB-Pairing, best_MB-WFD)
 * when the set has one.
 */
export function loadInstances({ sets = ['panigrahy', 'new', 'triplet', 'triplet2d', 'bpp1d'], shuffle = false } = {}) {
  const out = [];
  if (shuffle) {
    const all = loadInstances({ sets });
    for (const inst of all) shuffleItems(inst.items, inst.name);
    return all;
  }
  const vbp = path.join(DATA, 'vbp-mommessin2024');
  const tables = { panigrahy: 'Panigrahy', new: 'New', triplet: 'Triplet' };
  for (const set of ['panigrahy', 'new', 'triplet']) {
    if (!sets.includes(set)) continue;
    const table = readTable(path.join(vbp, 'tables', `${tables[set]}_summary_known.csv`), 0, 2, 1);
    for (const f of readdirSync(path.join(vbp, set)).filter((f) => f.endsWith('.vbp')).sort(naturalOrder)) {
      const name = f.replace(/\.vbp$/, '');
      const inst = parseVbp(readFileSync(path.join(vbp, set, f), 'utf8'));
      const row = table.get(name);
      const pub = row ? { overall: Number(row.row[3]), ic: Number(row.row[4]), bc: Number(row.row[5]), pairing: Number(row.row[6]), wfd: Number(row.row[7]) } : undefined;
      out.push({ set, cls: name.split('_')[0], name, ...inst, opt: row?.opt ?? -1, lb: row?.lb ?? 0, published: pub });
    }
  }
  if (sets.includes('triplet2d')) {
    const dir = path.join(DATA, 'vbp2d-triplet-derived');
    const table = readTable(path.join(dir, 'OPT.csv'), 0, 3, 2);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.vbp')).sort(naturalOrder)) {
      const name = f.replace(/\.vbp$/, '');
      const row = table.get(name);
      out.push({ set: 'triplet2d', cls: name.split('_')[0], name, ...parseVbp(readFileSync(path.join(dir, f), 'utf8')), opt: row?.opt ?? -1, lb: row?.lb ?? 0 });
    }
  }
  if (sets.includes('bpp1d')) {
    const dir = path.join(DATA, 'bpp1d');
    const bounds = readTable(path.join(dir, 'bounds_included.tsv'), 0, 2, 1);
    const one = (name, capacity, sizes, cls) => {
      const b = bounds.get(name);
      out.push({ set: 'bpp1d', cls, name, dims: 1, capacity: [capacity], items: sizes.map((s) => [s]), opt: b ? b.opt : -1, lb: b ? b.lb : 0 });
    };
    const u = readFileSync(path.join(dir, 'falkenauer_u120', 'binpack1.txt'), 'utf8').trim().split(/\s+/);
    let k = 1;
    for (let p = 0; p < Number(u[0]); p++) {
      const name = u[k++];
      const cap = Number(u[k++]);
      const n = Number(u[k++]);
      k++; // stale best-known
      one(`Falkenauer_${name}`, cap, u.slice(k, k + n).map(Number), 'u120');
      k += n;
    }
    for (const [sub, cls] of [['falkenauer_t120', 't120'], ['hard28', 'hard28']]) {
      if (!existsSync(path.join(dir, sub))) continue;
      for (const f of readdirSync(path.join(dir, sub)).sort(naturalOrder)) {
        const t = readFileSync(path.join(dir, sub, f), 'utf8').trim().split(/\s+/).map(Number);
        one(f.replace(/\.txt$/, ''), t[1], t.slice(2, 2 + t[0]), cls);
      }
    }
  }
  return out;
}

/**
 * Shuffles items in place, seeded by the instance name (FNV-1a, then an LCG): the upstream triplet
 * files list each optimal triplet consecutively, and a sort whose ties keep input order can use
 * that (the README's leak, which the 2-D set removes the same way).
 */
export function shuffleItems(items, name) {
  let x = 0x811c9dc5;
  for (let k = 0; k < name.length; k++) x = Math.imul(x ^ name.charCodeAt(k), 16777619) >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function naturalOrder(a, b) {
  return a.localeCompare(b, 'en', { numeric: true });
}
