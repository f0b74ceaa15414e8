/**
 * `npm run bench:partner-center`: the Partner Center sync against the shipped sandbox (issue 13), in one process on
 * the embedded database (PGlite), the bot behind its real HTTP server and job worker:
 *  - webhook received → the referral's card posted at the connector (p50/p95; target p95 < 1 s; the CRM connectors
 *    take ~10 min),
 *  - a card click (Accept) → the PATCH arrives at Partner Center (target p95 < 2 s),
 *  - a poll that reconciles 10,000 changed referrals (target < 30 s).
 * Figures are appended to BENCHMARKS.md with this command. BENCH_PC_SAMPLES (default 100) and BENCH_PC_POLL (default
 * 10000) make it shorter.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPartnerCenterSandbox } from '../scripts/partnerCenterSandbox';
import { TOKYO, seedBasics } from '../tests/helpers/fixtures';
import { adaptiveCards, cardAction, cardText, channelMessage, teamsUser } from '../tests/helpers/teams';
import type { Activity } from 'botbuilder';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { openDatabase } from '../src/store/database';
import { startConnectorStub } from '../tests/helpers/connectorStub';
import { fmt, percentile } from './load';

const SAMPLES = Number(process.env.BENCH_PC_SAMPLES ?? 100);
const POLL = Number(process.env.BENCH_PC_POLL ?? 10_000);
const PC_TOKYO = 'bench-pc-tokyo';

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN };
};

async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function main() {
  const sb = await startPartnerCenterSandbox({ locationId: PC_TOKYO });
  const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-pc-')), 'ca.pem');
  fs.writeFileSync(caFile, sb.caPem);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: 'memory://',
    LOG_LEVEL: 'silent',
    SWEEP_INTERVAL_SECONDS: '86400',
    PARTNER_CENTER_TOKEN: sb.token,
    PARTNER_CENTER_API_URL: sb.url,
    PARTNER_CENTER_CERT_HOSTS: sb.certHost,
    PARTNER_CENTER_WEBHOOK_CA_FILE: caFile,
    PARTNER_CENTER_POLL_SECONDS: '86400',
  });
  const db = await openDatabase({ url: 'memory://' });
  const stub = await startConnectorStub();
  const bot = createApp({ config, db, logger: silentLogger() });
  const { port } = await bot.listen();
  const url = `http://127.0.0.1:${port}`;
  /** Waits until no follow-up job is due or running. */
  const settle = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = new Date();
      const busy = await db.prisma.job.count({ where: { status: 'pending', runAfter: { lte: now } } });
      if (!busy) return;
      if (Date.now() > deadline) throw new Error('jobs did not settle');
      bot.services.jobs.kick();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const postOnly = async (activity: Partial<Activity>) =>
    fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...activity, serviceUrl: stub.url }) });
  const app = { url, stub, db, app: bot, settle, postOnly, post: async (a: Partial<Activity>) => { const r = await postOnly(a); await settle(); return r; } };
  try {
    await seedBasics(app.db.prisma);
    const tokyoAdmin = teamsUser('Taro Tokyo-Admin', 'aad-tokyoadmin');
    const tokyoUser = teamsUser('Yuki Tokyo', 'aad-tokyouser');
    await app.post(channelMessage(`link location ${TOKYO}`, { from: tokyoAdmin }));
    await app.app.services.partnerCenter!.store.mapLocation(TOKYO, PC_TOKYO, { kind: 'system', id: 'system', name: 'bench' });
    sb.setWebhookUrl(`${app.url}/api/partner-center/events`);

    // Webhook → card at the connector.
    const toCard: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const name = `Bench referral ${i}`;
      const before = app.stub.calls.length;
      const t0 = performance.now();
      const r = sb.createAsMicrosoft({ name } as never);
      await waitFor(() => app.stub.calls.slice(before).some((c) => adaptiveCards(c.activity).some((card) => cardText(card).includes(name))));
      toCard.push(performance.now() - t0);
      ids.push(r.id);
    }
    await sb.webhooksIdle();
    await app.settle();

    // Card click (Accept) → PATCH at Partner Center.
    const toPatch: number[] = [];
    for (const id of ids) {
      const deal = await app.db.prisma.deal.findUniqueOrThrow({ where: { pcReferralId: id } });
      const before = sb.requests.length;
      const t0 = performance.now();
      const res = await app.postOnly(
        cardAction(
          'referral.acceptSubmit',
          {
            dealId: deal.id,
            version: deal.version,
            name: deal.name,
            value: String(deal.value),
            currency: deal.currency,
            closeDate: deal.closeDate.toISOString().slice(0, 10),
            notes: 'Accepted in the benchmark.',
            member0Name: 'Yuki Tokyo',
            member0Email: 'tokyouser@contoso.example',
            member0Phone: '+81 3 1234 5678',
          },
          { from: tokyoUser, chat: 'channel' },
        ),
      );
      if (res.status !== 200) throw new Error(`click answered ${res.status}`);
      await waitFor(() => sb.requests.slice(before).some((q) => q.method === 'PATCH' && q.path.endsWith(`/${id}`) && q.status === 200));
      toPatch.push(performance.now() - t0);
    }
    await sb.webhooksIdle();
    await app.settle();

    // A poll reconciling POLL changed referrals (webhooks off; the worker stopped so only the poll is timed).
    sb.setWebhookUrl(undefined);
    for (let i = 0; i < POLL; i++) sb.createAsMicrosoft({ name: `Polled referral ${i}` } as never);
    await app.app.services.jobs.stop();
    const t0 = performance.now();
    const counts = await app.app.services.partnerCenter!.sync.poll();
    const pollSeconds = (performance.now() - t0) / 1000;
    const created = await app.db.prisma.deal.count({ where: { name: { startsWith: 'Polled referral ' } } });

    const card = stats(toCard);
    const patch = stats(toPatch);
    const lines = [
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — Partner Center sync (issue 13)`,
      '',
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ')[0] ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. Command: \`npm run bench:partner-center\`. PGlite, one process (the bot's HTTP server and job worker, the sandbox, the connector stand-in), samples one after another.`,
      '',
      '| measure | samples | p50 ms | p95 ms | max ms | target |',
      '|---|---|---|---|---|---|',
      `| webhook sent → referral card at the connector | ${card.n} | ${fmt(card.p50)} | ${fmt(card.p95)} | ${fmt(card.max)} | p95 < 1,000 ms (CRM connectors: ~10 min) |`,
      `| Accept clicked → PATCH answered by Partner Center | ${patch.n} | ${fmt(patch.p50)} | ${fmt(patch.p95)} | ${fmt(patch.max)} | p95 < 2,000 ms |`,
      '',
      `Poll reconcile: ${counts.seen.toLocaleString('en-US')} changed referrals read, ${created.toLocaleString('en-US')} new deals created, in ${fmt(pollSeconds, 2)} s (target < 30 s).`,
      '',
    ];
    const text = lines.join('\n');
    fs.appendFileSync(path.resolve(__dirname, '..', 'BENCHMARKS.md'), text + '\n');
    console.log(text);
  } finally {
    await bot.close();
    await stub.close();
    await db.close();
    await sb.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
