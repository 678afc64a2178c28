/**
 * `podfit snapshot`: read a live cluster once (src/cluster/collect.ts) and write one v1 List that
 * every podfit command reads with --cluster; optionally anonymized for sharing
 * (src/cluster/anonymize.ts). A progress line on stderr when it is a terminal; the counts per
 * kind at the end.
 */
import type { Command } from 'commander';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { stringify } from 'yaml';
import { InputError } from '../../api/errors.js';
import { SNAPSHOT_REQUEST_TIMEOUT_MS } from '../../model/limits.js';
import { readLiveCluster } from '../live-cluster.js';
import { UsageError } from '../errors.js';
import { parseDurationMs } from '../options.js';
import type { CliIO } from '../main.js';

interface SnapshotFlags {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  output?: string;
  format?: string;
  anonymize?: boolean;
  timeout?: string;
}

/** Output is written in chunks of about this many characters (a large cluster is hundreds of MB). */
const WRITE_CHUNK_CHARS = 1 << 20;

/** Registers the command. */
export function registerSnapshot(program: Command, io: CliIO): void {
  program
    .command('snapshot')
    .description('read a live cluster once (nodes, pods, and what scheduling reads) into one v1 List file for --cluster')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster to read')
    .option('--context <name>', 'with --kubeconfig: the context to use (default: its current context)')
    .option('--in-cluster', "read the cluster this pod runs in, with the pod's service account")
    .option('-o, --output <file>', 'write the snapshot to this file (default: stdout)')
    .option('--format <format>', 'json or yaml', 'json')
    .option('--anonymize', 'replace names, namespaces, label values and images by stable hashes, to share the snapshot')
    .option('--timeout <duration>', 'bound on each API request (e.g. 30s, 2m); connecting is bounded by the smaller of this and 10s', `${SNAPSHOT_REQUEST_TIMEOUT_MS / 1000}s`)
    .action(async (flags: SnapshotFlags) => runSnapshot(flags, io));
}

async function runSnapshot(flags: SnapshotFlags, io: CliIO): Promise<void> {
  const format = parseFormat(flags.format);
  const timeoutMs = parseDurationMs('--timeout', flags.timeout, SNAPSHOT_REQUEST_TIMEOUT_MS);
  if (flags.kubeconfig && flags.inCluster) throw new UsageError('--kubeconfig and --in-cluster: give one of them');
  if (!flags.kubeconfig && !flags.inCluster) throw new UsageError('one of --kubeconfig <file> or --in-cluster is required');
  const started = Date.now();
  const result = await readLiveCluster(flags, timeoutMs, io);
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  let objects = result.items.map((r) => r.obj);
  if (flags.anonymize) {
    const { SnapshotAnonymizer } = await import('../../cluster/anonymize.js');
    const anonymizer = new SnapshotAnonymizer();
    objects = objects.map((o) => anonymizer.object(o));
  }
  writeList(objects, format, flags.output, io);
  const counts = [...result.counts].filter(([, n]) => n > 0).map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`).join(', ');
  io.stderr(`snapshot: ${counts || 'no objects'} from ${result.server} in ${((Date.now() - started) / 1000).toFixed(1)} s${flags.anonymize ? ', anonymized' : ''}\n`);
}

function parseFormat(v: string | undefined): 'json' | 'yaml' {
  if (v === undefined || v === 'json' || v === 'yaml') return v ?? 'json';
  throw new UsageError(`--format: expected one of json, yaml, got "${v}"`);
}

/**
 * Writes `{"apiVersion":"v1","kind":"List","items":[...]}` (one item a line, so the file greps
 * and diffs well) or its YAML form, in chunks; to a file through a temporary name renamed at the
 * end, so a failed run leaves no half-written snapshot.
 */
function writeList(items: readonly Record<string, unknown>[], format: 'json' | 'yaml', file: string | undefined, io: CliIO): void {
  const pieces = format === 'json' ? jsonPieces(items) : yamlPieces(items);
  if (!file) {
    for (const chunk of chunked(pieces)) io.stdout(chunk);
    return;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new InputError(`-o/--output: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    for (const chunk of chunked(pieces)) writeSync(fd, chunk);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    throw new InputError(`-o/--output: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function* jsonPieces(items: readonly Record<string, unknown>[]): Generator<string> {
  yield '{"apiVersion":"v1","kind":"List","items":[';
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? '\n' : ',\n'}${JSON.stringify(items[i])}`;
  yield '\n]}\n';
}

function* yamlPieces(items: readonly Record<string, unknown>[]): Generator<string> {
  yield 'apiVersion: v1\nkind: List\n';
  if (items.length === 0) {
    yield 'items: []\n';
    return;
  }
  yield 'items:\n';
  // A one-element sequence per item: `- key: ...`, which concatenates into the list's sequence.
  for (const it of items) yield stringify([it], { lineWidth: 0 });
}

function* chunked(pieces: Iterable<string>): Generator<string> {
  let buf = '';
  for (const p of pieces) {
    buf += p;
    if (buf.length >= WRITE_CHUNK_CHARS) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
