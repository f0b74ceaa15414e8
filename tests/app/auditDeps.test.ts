import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `npm run audit:deps`: npm audit through the reviewed allow-list; offline is a note, not a failure. */

const audit = require('../../scripts/auditDeps.js') as {
  evaluate(report: unknown, allow: unknown[], today?: Date): { notAllowed: { id: string }[]; allowed: unknown[]; due: unknown[]; unused: unknown[] };
  unavailable(report: unknown): string | null;
};

const REPORT = {
  auditReportVersion: 2,
  vulnerabilities: {
    'path-to-regexp': {
      name: 'path-to-regexp',
      severity: 'high',
      via: [{ source: 1101850, name: 'path-to-regexp', title: 'ReDoS in path-to-regexp', url: 'https://github.com/advisories/GHSA-9wv6-86v2-598j', severity: 'high' }],
    },
    restify: { name: 'restify', severity: 'high', via: ['path-to-regexp'] },
  },
};
const ENTRY = { id: 'GHSA-9wv6-86v2-598j', package: 'path-to-regexp', reason: 'routes are fixed strings', reviewed: '2026-12-01' };

test('an advisory not on the allow-list fails; the same advisory allowed for its package passes', () => {
  expect(audit.evaluate(REPORT, []).notAllowed.map((a) => a.id)).toEqual(['GHSA-9wv6-86v2-598j']);
  expect(audit.evaluate(REPORT, [ENTRY], new Date('2026-12-02')).notAllowed).toEqual([]);
  // Allowed for another package is not allowed for this one.
  expect(audit.evaluate(REPORT, [{ ...ENTRY, package: 'restify' }]).notAllowed).toHaveLength(1);
});

test('old reviews are reported for review, entries nothing matches as unused', () => {
  const verdict = audit.evaluate({ vulnerabilities: {} }, [ENTRY], new Date('2027-12-01'));
  expect(verdict.due).toHaveLength(1);
  expect(verdict.unused).toHaveLength(1);
});

test.each([
  [{ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND registry.npmjs.org' } }],
  [{ error: { code: 'EAI_AGAIN' } }],
  [{ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405, uri: 'https://registry.example/-/npm/v1/security/advisories/bulk' }],
])('an unreachable audit endpoint is recognised: %j', (report) => {
  expect(audit.unavailable(report)).toEqual(expect.any(String));
});

describe('the command', () => {
  const run = (input: unknown, allow: unknown) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-audit-'));
      fs.writeFileSync(path.join(dir, 'audit.json'), JSON.stringify(input));
      fs.writeFileSync(path.join(dir, 'allow.json'), JSON.stringify(allow));
      execFile(
        process.execPath,
        ['scripts/auditDeps.js'],
        { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, AUDIT_DEPS_INPUT: path.join(dir, 'audit.json'), AUDIT_ALLOWLIST: path.join(dir, 'allow.json') } },
        (err, stdout, stderr) => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
        },
      );
    });

  test('fails on an advisory not allowed, naming it', async () => {
    const r = await run(REPORT, { allow: [] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('path-to-regexp GHSA-9wv6-86v2-598j');
  });

  test('passes when every advisory is allowed', async () => {
    const r = await run(REPORT, { allow: [ENTRY] });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('allowed');
  });

  test('offline: exit 0 with a clear note', async () => {
    const r = await run({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND' } }, { allow: [] });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NOTE — no audit was made: the registry cannot be reached \(ENOTFOUND\)/);
  });

  test('an allow-list entry without reason or review date is refused', async () => {
    const r = await run(REPORT, { allow: [{ id: ENTRY.id, package: ENTRY.package }] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing reason, reviewed');
  });
});
