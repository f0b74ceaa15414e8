#!/usr/bin/env node
// `npm run audit:deps`: `npm audit --json` through a reviewed allow-list (audit-allowlist.json). Fails (exit 1) on
// any advisory the list does not name for that package; exits 0 with a clear note when the registry's audit endpoint
// cannot be reached or does not offer audits (an offline machine, a registry mirror without the endpoint), because
// then there is nothing to judge. CI runs it before `npm test` (.ci/run).
//
// Allow-list entries: { "id": "GHSA-xxxx-xxxx-xxxx", "package": "name", "reason": "why it does not apply to us",
// "reviewed": "YYYY-MM-DD" }. An entry older than REVIEW_DAYS is reported as due for review (not a failure), an entry
// no advisory matches any more as removable.
//
// AUDIT_DEPS_INPUT=<file> reads the audit JSON from a file instead of running npm (tests, or an audit made elsewhere).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ALLOWLIST = process.env.AUDIT_ALLOWLIST || path.join(ROOT, 'audit-allowlist.json');
const REVIEW_DAYS = 180;
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'ERR_SOCKET_TIMEOUT']);

/** The allow-list, checked: every entry needs id, package, reason and a reviewed date. */
function readAllowList(file) {
  if (!fs.existsSync(file)) return { entries: [], problems: [] };
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { entries: [], problems: [`${path.basename(file)} is not valid JSON: ${err.message}`] };
  }
  const list = Array.isArray(parsed) ? parsed : parsed && Array.isArray(parsed.allow) ? parsed.allow : null;
  if (!list) return { entries: [], problems: [`${path.basename(file)}: expected {"allow": [ … ]}`] };
  const problems = [];
  const entries = [];
  list.forEach((e, i) => {
    const missing = ['id', 'package', 'reason', 'reviewed'].filter((k) => typeof e?.[k] !== 'string' || e[k].trim() === '');
    if (missing.length) problems.push(`entry ${i + 1}: missing ${missing.join(', ')}`);
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(e.reviewed) || Number.isNaN(Date.parse(e.reviewed))) problems.push(`entry ${i + 1} (${e.id}): reviewed must be a date YYYY-MM-DD`);
    else entries.push(e);
  });
  return { entries, problems };
}

/** Why the audit could not be made (registry unreachable or without the endpoint), or null when it was made. */
function unavailable(report) {
  if (!report || typeof report !== 'object') return 'npm audit printed no report';
  if (report.vulnerabilities && typeof report.vulnerabilities === 'object') return null;
  const code = report.error?.code ?? report.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return `the registry cannot be reached (${code})`;
  if (typeof report.statusCode === 'number') return `the registry's audit endpoint answered ${report.statusCode}${report.uri ? ` (${report.uri})` : ''}`;
  if (typeof report.message === 'string' && /audit endpoint|network|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED/i.test(report.message)) return report.message;
  return null;
}

/** Every advisory in an npm 7+ audit report: { id (GHSA id, else the numeric source), source, package, severity, title, url }. */
function advisoriesOf(report) {
  const out = new Map();
  for (const vuln of Object.values(report.vulnerabilities ?? {})) {
    for (const via of vuln.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // a string: inherited from another package, listed there
      const ghsa = typeof via.url === 'string' ? (/GHSA-[\w-]+/.exec(via.url) ?? [])[0] : undefined;
      const id = ghsa ?? String(via.source);
      const pkg = via.name ?? vuln.name;
      out.set(`${id} ${pkg}`, { id, source: via.source, package: pkg, severity: via.severity ?? vuln.severity, title: via.title ?? '', url: via.url ?? '' });
    }
  }
  return [...out.values()];
}

/** The verdict: advisories not allowed (fail), entries due for review, entries that match nothing any more. */
function evaluate(report, allow, today = new Date()) {
  const advisories = advisoriesOf(report);
  const matches = (e, a) => e.package === a.package && (e.id === a.id || e.id === String(a.source));
  const notAllowed = advisories.filter((a) => !allow.some((e) => matches(e, a)));
  const allowed = advisories.filter((a) => allow.some((e) => matches(e, a)));
  const due = allow.filter((e) => (today.getTime() - Date.parse(e.reviewed)) / 86_400_000 > REVIEW_DAYS);
  const unused = allow.filter((e) => !advisories.some((a) => matches(e, a)));
  return { advisories, allowed, notAllowed, due, unused };
}

function runNpmAudit() {
  if (process.env.AUDIT_DEPS_INPUT) return fs.readFileSync(process.env.AUDIT_DEPS_INPUT, 'utf8');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['audit', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (res.error) return JSON.stringify({ error: { code: res.error.code ?? 'ETIMEDOUT', summary: res.error.message } });
  return res.stdout;
}

function main() {
  const { entries, problems } = readAllowList(ALLOWLIST);
  if (problems.length) {
    console.error(`audit:deps: ${path.relative(ROOT, ALLOWLIST)} has problems:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const raw = runNpmAudit();
  let report;
  try {
    report = JSON.parse(raw);
  } catch {
    report = null;
  }
  const why = unavailable(report);
  if (why || !report) {
    console.log(`audit:deps: NOTE — no audit was made: ${why ?? 'npm audit printed no JSON'}. Nothing was checked; run it again where the npm registry's audit endpoint is reachable.`);
    return 0;
  }
  const verdict = evaluate(report, entries);
  for (const a of verdict.allowed) console.log(`  allowed  ${a.severity.padEnd(8)} ${a.package} ${a.id} — ${a.title}`);
  for (const e of verdict.due) console.log(`  review   ${e.package} ${e.id}: last reviewed ${e.reviewed} (over ${REVIEW_DAYS} days ago)`);
  for (const e of verdict.unused) console.log(`  unused   ${e.package} ${e.id}: no current advisory; the entry can go`);
  if (verdict.notAllowed.length) {
    console.error(`audit:deps: ${verdict.notAllowed.length} advisory(ies) not in ${path.basename(ALLOWLIST)}:`);
    for (const a of verdict.notAllowed) console.error(`  ${a.severity.padEnd(8)} ${a.package} ${a.id} — ${a.title} ${a.url}`);
    console.error('Upgrade the package, or — after review — add {id, package, reason, reviewed} to the allow-list.');
    return 1;
  }
  console.log(`audit:deps: ok — ${verdict.advisories.length} advisory(ies), all reviewed and allowed.`);
  return 0;
}

module.exports = { readAllowList, unavailable, advisoriesOf, evaluate };

if (require.main === module) process.exit(main());
