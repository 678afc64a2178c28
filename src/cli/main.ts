/** The `podfit` command line. Only this folder wires the parts together; nothing imports cli/. */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from './errors.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerBench } from './commands/bench.js';
import { registerCapacity } from './commands/capacity.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerWhatif } from './commands/whatif.js';
import { registerScheduler } from './commands/scheduler.js';

/** Where a command writes (replaceable in tests). */
export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Whether stderr is a terminal (progress lines go there only then); false when absent. */
  readonly stderrIsTTY?: boolean;
  /** Whether stdout is a terminal (commands whose default output differs: whatif's table); false when absent. */
  readonly stdoutIsTTY?: boolean;
}

const processIO: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  get stderrIsTTY() {
    return process.stderr.isTTY === true;
  },
  get stdoutIsTTY() {
    return process.stdout.isTTY === true;
  },
};

/** podfit's version, from package.json. */
export function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/** Builds the program. */
export function buildProgram(io: CliIO, name = 'podfit'): Command {
  const program = new Command();
  program
    .name(name)
    .description('Kubernetes scheduling and bin-packing engine: kube-scheduler semantics, WebAssembly speed')
    .version(version())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerSchedule(program, io);
  registerServe(program, io);
  registerBench(program, io);
  registerCapacity(program, io);
  registerSnapshot(program, io);
  registerWhatif(program, io);
  registerScheduler(program, io);
  return program;
}

/**
 * Runs the CLI with node-style argv; resolves to the exit code. `name` is how the user called it:
 * `podfit`, or `kubectl podfit` when kubectl runs bin/kubectl-podfit.js as a plugin.
 */
export async function main(argv: readonly string[], io: CliIO = processIO, name = 'podfit'): Promise<number> {
  const program = buildProgram(io, name);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    return reportError(e, io.stderr);
  }
}
