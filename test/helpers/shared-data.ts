/**
 * Where the team's public reference data is (../shared/data from the repository: bin-packing
 * instances, the GPU cluster trace, scheduler_perf configs). Not in the repository: tests that read
 * it skip, saying so, when it is absent. PODFIT_SHARED_DATA overrides; otherwise the folder beside
 * the repository, then the one beside the project's main checkout (a clone elsewhere, as CI makes).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data folder, or null when none of the places holds it. */
export function sharedDataDir(): string | null {
  const candidates = [process.env.PODFIT_SHARED_DATA, path.resolve(REPO, '..', 'shared', 'data'), '/work/shared/data'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

/** `<shared data>/<sub>` (a path that does not exist when the data is absent). */
export function sharedData(sub: string): string {
  return path.join(sharedDataDir() ?? path.resolve(REPO, '..', 'shared', 'data'), sub);
}
