import fs from 'node:fs';
import path from 'node:path';

/** The checkout's root, whether a script runs from `scripts/` (ts-jest) or from `dist/scripts/` (built). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cosell-bot') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cosell-bot checkout not found above ${from}`);
    dir = parent;
  }
}
