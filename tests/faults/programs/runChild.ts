import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Runs commitThenDie.ts (commit through the deal commands, then SIGKILL itself) and reports how it ended. */
export function runCommitThenDie(args: string[]): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', './tests/helpers/registerTs.js', 'tests/faults/programs/commitThenDie.ts', ...args],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => resolve({ signal: (err as { signal?: NodeJS.Signals } | null)?.signal ?? null, stdout, stderr }),
    );
  });
}
