import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** The violations dependency-cruiser reports for the tree at `cwd`, with the project's own rules (as deps:check). */
async function violations(cwd: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(BIN, ['src', 'bot', 'cards', '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    // Violations make it exit non-zero; the report is still on stdout.
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
  );
  const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

/** The layering check of `npm test` (npm run deps:check, on the real tree) fails on the imports it is there to stop. */
describe('layering', () => {
  jest.setTimeout(90_000);

  test('a bot module importing Prisma or a store, or a card importing the bot, is refused', async () => {
    const found = await violations(path.join(ROOT, 'tests', 'fixtures', 'layering'));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^prisma-only-in-store: bot\/probe\.ts → .*@prisma\//),
        'surfaces-use-services: bot/probe.ts → src/store/rows.ts',
        'cards-know-no-bot: cards/probe.ts → bot/probe.ts',
      ]),
    );
    // The store itself may use Prisma.
    expect(found.filter((v) => v.startsWith('prisma-only-in-store: src/store/'))).toEqual([]);
  });
});
