/**
 * Progress bars on a terminal for work that runs longer than a second (loading a large snapshot,
 * scheduling every pending pod), drawn on stderr with cli-progress. Nothing at all when stderr is
 * not a terminal (piped, redirected, CI): output stays byte-for-byte what it was.
 *
 * The loaders are synchronous, so the bar is redrawn from update() (cli-progress's synchronous
 * redraw, at most every 200 ms) rather than from a timer the busy event loop would never run.
 */
import cliProgress from 'cli-progress';
import type { LoadProgress } from '../cluster/snapshot.js';

/** A stage runs this long before its bar appears: quick runs print nothing. */
export const PROGRESS_DELAY_MS = 1000;

/** What a bar counts, and how its numbers are written. */
export type ProgressUnit = 'bytes' | 'objects' | 'pods';

/** The stream the bars go to: a terminal, or anything else (then no bars). */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

function amount(n: number, unit: ProgressUnit): string {
  return unit === 'bytes' ? `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB` : `${n.toLocaleString('en-US')} ${unit}`;
}

/** Progress of one command: one stage at a time, each a bar that appears after PROGRESS_DELAY_MS. */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private label = '';
  private unit: ProgressUnit = 'objects';
  private total = 0;
  private startedMs = 0;
  private active = false;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly nowMs: () => number = () => performance.now(),
    private readonly delayMs: number = PROGRESS_DELAY_MS,
  ) {}

  /** Whether bars can be drawn at all (stderr is a terminal). */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** Starts a stage (ending the previous one); its bar appears once the stage has run for a second. */
  stage(label: string, total: number, unit: ProgressUnit): void {
    this.stop();
    if (!this.enabled) return;
    this.label = label;
    this.unit = unit;
    this.total = Math.max(total, 1);
    this.startedMs = this.nowMs();
    this.active = true;
  }

  /** Reports progress of the current stage (and a new total, when it grew or became known). */
  update(done: number, total?: number): void {
    if (!this.active) return;
    if (total !== undefined) this.total = Math.max(total, 1);
    const payload = { label: this.label, amount: `${amount(done, this.unit)} of ${amount(this.total, this.unit)}`, elapsed: ((this.nowMs() - this.startedMs) / 1000).toFixed(0) };
    if (!this.bar) {
      if (this.nowMs() - this.startedMs < this.delayMs) return;
      this.bar = new cliProgress.SingleBar({
        stream: this.stream,
        format: '{label} [{bar}] {percentage}% | {amount} | {elapsed}s',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 30,
        fps: 5,
        synchronousUpdate: true,
        noTTYOutput: false,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(this.total, Math.min(done, this.total), payload);
      return;
    }
    this.bar.setTotal(this.total);
    this.bar.update(Math.min(done, this.total), payload);
  }

  /** Ends the current stage, clearing its bar. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.active = false;
  }
}

/** Shows a snapshot load (reading the file, then building the state) on `progress`. */
export function loadProgress(progress: Progress, fileName: string): LoadProgress {
  let stage = '';
  return (p) => {
    if (p.stage !== stage) {
      stage = p.stage;
      progress.stage(p.stage === 'read' ? `reading ${fileName}` : 'building the cluster state', p.total, p.unit);
    }
    progress.update(p.done, p.total);
  };
}
