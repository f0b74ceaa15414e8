import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiClientsEnv } from '../api/apiKit';
import { seedBasics } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { TOKEN } from '../referrals/referralTestKit';

/** The hostile-input suites' app: referral intake and the deals API on, the usual people and customer seeded. */
export async function startHostileApp() {
  const app = await startTestApp({ env: { REFERRALS_API_TOKEN: TOKEN, API_CLIENTS: apiClientsEnv(), SWEEP_INTERVAL_SECONDS: '86400' } });
  const seeded = await seedBasics(app.db.prisma);
  return { app, ...seeded, close: () => app.close() };
}
export type HostileApp = Awaited<ReturnType<typeof startHostileApp>>;

export const dealCount = (app: TestApp) => app.db.prisma.deal.count();

/** What a refusal must leave as it was: the number of rows that a stored input would add, and every deal's version. */
export async function footprint(app: TestApp) {
  const p = app.db.prisma;
  const [deals, customers, notes, team, audit, notifications, versions] = await Promise.all([
    p.deal.count(),
    p.customer.count(),
    p.dealNote.count(),
    p.dealTeamMember.count(),
    p.auditEvent.count(),
    p.notification.count(),
    p.deal.findMany({ select: { id: true, version: true }, orderBy: { id: 'asc' } }),
  ]);
  return { deals, customers, notes, team, audit, notifications, versions };
}

/** Files the OS temp directory holds whose names look like upload spills (formidable's `upload_*`). */
export function tempUploads(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((f) => /^upload_/.test(f)).map((f) => path.join(os.tmpdir(), f));
}
