import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPartnerCenterSandbox, type Sandbox } from './partnerCenterSandbox';
import { COMMANDS } from '../bot/commands';
import { localeOf } from '../cards/i18n';
import { createApp } from '../src/app';
import { isLocalMode, loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { openDatabase } from '../src/store/database';
import { PlaygroundLocale, startLocaleRelay, type LocaleRelay } from './localeRelay';
import { seedDemoWithDirectory, type DemoUser } from './seed';

/**
 * `npm run playground`: try the bot without a Microsoft 365 tenant. Starts the bot (embedded database, demo data) and
 * the Microsoft 365 Agents Playground — a local Teams-like web client that renders the bot's Adaptive Cards — and
 * prints the address to open. Ctrl-C stops both. PLAYGROUND_LOCALE (e.g. ja-JP) puts the locale relay between the
 * playground and the bot, so the bot is spoken to as by a Teams client in that language (the playground itself
 * always sends en-US).
 */

/**
 * The user the Agents Playground chats as (fixed in the playground: "Alex Wilber"). It gets a role so it can create
 * and see deals: a global Referrals admin, so every demo deal and every button can be tried.
 */
export const PLAYGROUND_USER = {
  aadObjectId: '00000000-0000-0000-0000-0000000000020',
  name: 'Alex Wilber',
  email: 'alex.wilber@contoso.example',
  role: 'admin',
  global: true,
} as const satisfies DemoUser;

export interface RunningPlayground {
  /** The web UI, e.g. http://localhost:56150 */
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Agents Playground (the package's CLI, with telemetry off) against a bot endpoint and resolves once it
 * listens. If the port is taken the playground picks another one; the port it reports is the one returned.
 */
export function startAgentsPlayground(
  endpoint: string,
  port: number,
  opts: {
    timeoutMs?: number;
    log?: (line: string) => void;
    /** The user's IANA zone: the playground sends its own process's zone as each message's localTimezone. */
    timeZone?: string;
  } = {},
): Promise<RunningPlayground> {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(process.execPath, [cli, '-e', endpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.timeZone ? { env: { ...process.env, TZ: opts.timeZone } } : {}),
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      // Should it ignore SIGTERM, do not hang the caller.
      setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
    });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`Agents Playground did not start within ${opts.timeoutMs ?? 30_000} ms:\n${output}`));
    }, opts.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) opts.log?.(line);
      const listening = /Listening on (\d+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        const actual = Number(listening[1]);
        resolve({ url: `http://localhost:${actual}`, port: actual, child, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Agents Playground exited (code ${code}) before listening:\n${output}`));
    });
  });
}

/** The Partner Center location the sandbox's referrals are for; mapped to the first demo location. */
const SANDBOX_PC_LOCATION = 'sandbox-location-1';

/**
 * PARTNER_CENTER_SANDBOX=1: the shipped Partner Center stand-in (a test double of the Referrals API and its signed
 * webhooks) is started first and the bot is pointed at it, so a newcomer sees a referral arrive from "Partner Center"
 * and watches their Accept go back.
 */
async function startSandboxFor(env: NodeJS.ProcessEnv): Promise<Sandbox | undefined> {
  if (env.PARTNER_CENTER_SANDBOX !== '1') return undefined;
  const sb = await startPartnerCenterSandbox({ locationId: SANDBOX_PC_LOCATION });
  const caFile = join(mkdtempSync(join(tmpdir(), 'cosell-pc-sandbox-')), 'ca.pem');
  writeFileSync(caFile, sb.caPem);
  Object.assign(env, {
    PARTNER_CENTER_API_URL: sb.url,
    PARTNER_CENTER_TOKEN: sb.token,
    PARTNER_CENTER_CERT_HOSTS: sb.certHost,
    PARTNER_CENTER_WEBHOOK_CA_FILE: caFile,
    PARTNER_CENTER_POLL_SECONDS: env.PARTNER_CENTER_POLL_SECONDS ?? '60',
  });
  return sb;
}

async function main(): Promise<void> {
  const sandbox = await startSandboxFor(process.env);
  // The insights card's charts are links to this service (GET /charts/…): the browser on this machine reaches it here.
  process.env.PUBLIC_BASE_URL ||= `http://localhost:${process.env.PORT || 3978}`;
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  if (!isLocalMode(config)) {
    throw Object.assign(new Error('npm run playground runs the bot in local mode: unset MicrosoftAppId (and its password) first.'), { code: 'CONFIG_INVALID' });
  }
  const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
  const clientLocale = process.env.PLAYGROUND_LOCALE ? PlaygroundLocale.safeParse(process.env.PLAYGROUND_LOCALE) : undefined;
  if (clientLocale && !clientLocale.success) {
    const why = clientLocale.error.issues[0]?.message ?? 'invalid';
    throw Object.assign(new Error(`PLAYGROUND_LOCALE=${process.env.PLAYGROUND_LOCALE}: ${why}`), { code: 'CONFIG_INVALID' });
  }
  const db = await openDatabase({ url: config.DATABASE_URL });
  const seeded = await seedDemoWithDirectory(db.prisma, undefined, { extraUsers: [PLAYGROUND_USER] }, logger).catch(async (err: unknown) => {
    await db.close();
    throw err;
  });
  logger.info(seeded, `demo data: ${seeded.deals} deals (${seeded.added} new)`);
  const app = createApp({ config, db, logger });
  const { port } = await app.listen().catch(async (err: unknown) => {
    await db.close();
    throw err;
  });
  const endpoint = `http://localhost:${port}/api/messages`;
  if (sandbox && app.services.partnerCenter) {
    const first = (await app.services.people.locations())[0];
    if (first) await app.services.partnerCenter.store.mapLocation(first.id, SANDBOX_PC_LOCATION, { kind: 'system', id: 'system', name: 'playground' });
    sandbox.setWebhookUrl(`http://localhost:${port}/api/partner-center/events`);
    // One referral from "Microsoft" arrives as soon as the playground is open.
    sandbox.createAsMicrosoft({ name: 'Fabrikam – Azure Cost Optimization assessment', details: { requirements: { solutions: [{ id: 'aco', name: 'Azure Cost Optimization' }] } } } as never);
  }
  const relay: LocaleRelay | undefined = clientLocale
    ? await startLocaleRelay(endpoint, clientLocale.data).catch(async (err: unknown) => {
        await app.close();
        await db.close();
        throw err;
      })
    : undefined;
  const playground = await startAgentsPlayground(relay?.endpoint ?? endpoint, playgroundPort, { log: (line) => logger.debug({ playground: line }) }).catch(async (err: unknown) => {
    await relay?.close();
    await app.close();
    await db.close();
    throw err;
  });

  console.log('');
  console.log(`  Bot:               ${endpoint}  (database: ${db.kind} at ${db.where})`);
  if (relay && clientLocale?.data) {
    console.log(`  Locale relay:      ${relay.endpoint}  (every activity sent as locale ${clientLocale.data.locale}, country ${clientLocale.data.country})`);
  }
  console.log(`  Agents Playground: ${playground.url}   <- open this in your browser`);
  if (sandbox) {
    console.log(`  Partner Center:    ${sandbox.url}  (the sandbox: a TEST DOUBLE of the Referrals API; one referral was just sent)`);
    console.log(`    New referral "as Microsoft":  curl -X POST ${sandbox.origin}/sandbox/referrals -H 'Content-Type: application/json' -d '{"name":"Contoso - Data and AI"}'`);
    console.log(`    What Partner Center holds:    curl ${sandbox.origin}/sandbox/referrals`);
  }
  // The commands in the language the bot will answer in.
  const lang = localeOf(clientLocale?.data.locale ?? 'en-US');
  const [newDeal, deals, pipeline, insights, help] = (['newDeal', 'deals', 'pipeline', 'insights', 'help'] as const).map((id) => `"${COMMANDS.find((c) => c.id === id)?.[lang] ?? id}"`);
  console.log(`  You chat as ${PLAYGROUND_USER.name} (Referrals admin). Type ${newDeal}, ${deals}, ${pipeline}, ${insights} or ${help}.`);
  console.log('  Ctrl-C stops both.');
  console.log('');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ reason }, 'stopping the playground and the bot');
    await playground.stop();
    await relay?.close();
    await app.close();
    await db.close();
    await sandbox?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  playground.child.once('exit', () => void stop('the playground exited'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const code = (err as { code?: string }).code;
    console.error(code === 'DATA_DIR_LOCKED' || code === 'CONFIG_INVALID' || code === 'EADDRINUSE' ? (err as Error).message : err);
    process.exit(1);
  });
}
