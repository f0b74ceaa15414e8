// `npm run deps:graph`: draws the layers of the tree (folders of src/, bot/, cards/ and the arrows between them) as a
// mermaid chart in docs/dependencies.md, from the same dependency-cruiser configuration `npm test` checks.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'node_modules', '.bin', 'depcruise');
const mermaid = execFileSync(
  bin,
  ['src', 'bot', 'cards', '--config', '.dependency-cruiser.cjs', '--include-only', '^(src|bot|cards)/', '--collapse', '^(src/[^/]+|bot|cards)', '--output-type', 'mermaid'],
  { cwd: root, encoding: 'utf8' },
);
const page = [
  '# Dependencies between the layers',
  '',
  'Drawn by `npm run deps:graph` from the imports in the code (dependency-cruiser, `.dependency-cruiser.cjs`); the',
  'rules it names are checked on every `npm test` (`npm run deps:check`). `src/app.ts` and `src/main.ts` are the',
  'composition root: they wire every layer together, so they import all of them.',
  '',
  '```mermaid',
  mermaid.trim(),
  '```',
  '',
].join('\n');
fs.writeFileSync(path.join(root, 'docs', 'dependencies.md'), page);
console.log('wrote docs/dependencies.md');
