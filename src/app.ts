import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { BotServices } from '../bot/botServices';
import { CardPublisher } from '../bot/cardPublisher';
import { ConnectorReusingAuthentication } from '../bot/connectorCache';
import { CosellBot } from '../bot/cosellBot';
import { registerTeamsListeners } from '../bot/listeners';
import { registerDigestListener } from '../bot/digest';
import { registerPartnerCenterListeners } from '../bot/partnerCenter';
import { Messenger } from '../bot/messenger';
import { localeOf, t } from '../cards/i18n';
import { isLocalMode, type Config } from './config';
import { registerChartRoutes } from './http/charts';
import { registerDealsApi } from './http/deals';
import { registerExportRoutes } from './http/exports';
import { registerNotificationRoutes } from './http/notifications';
import { registerOpenApi } from './http/openapi';
import { registerPartnerCenterRoutes } from './http/partnerCenter';
import { registerReferralRoutes } from './http/referrals';
import { MAX_BODY_BYTES, createServer, trackInflight } from './http/server';
import type { Logger } from './log';
import { ExpirySweeper } from './services/expirySweeper';
import { DigestScheduler } from './services/digest';
import { JOB } from './services/followUps';
import { loadLocationsFile } from './services/locationsFile';
import type { Resolve } from './services/callbackTarget';
import { createServices } from './services/services';
import { analyze, type Database } from './store/database';

/** How often the embedded database refreshes its planner statistics. */
const ANALYZE_EVERY_MS = 60 * 60 * 1000;

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** How long close() waits for requests in flight before cutting connections (default 10 s). */
  drainTimeoutMs?: number;
  /** DNS for sender callbacks (tests give their own; default: the system resolver). */
  resolve?: Resolve;
  /** The daily digest's clock (tests move it; default: the system clock). */
  clock?: () => Date;
}

export interface App {
  readonly server: Server;
  readonly services: BotServices;
  readonly adapter: CloudAdapter;
  readonly bot: CosellBot;
  /** R17 expiry and reminders; runs every SWEEP_INTERVAL_SECONDS while listening (tests call runOnce). */
  readonly sweeper: ExpirySweeper;
  /** Issue 17: the daily digest's schedule; runs every SWEEP_INTERVAL_SECONDS while listening (tests call runOnce). */
  readonly digest: DigestScheduler;
  listen(): Promise<{ port: number }>;
  /** Stops accepting, waits for requests in flight, closes connections. The caller closes the database after. */
  close(): Promise<void>;
}

/**
 * Bot Framework authentication from config. Without MicrosoftAppId this is the "auth disabled" configuration the
 * Bot Framework SDK uses for the Emulator and Agents Playground: no JWT on the way in, none on the way out.
 */
export function createBotAuthentication(config: Config): ConfigurationBotFrameworkAuthentication {
  return new ConnectorReusingAuthentication(
    isLocalMode(config)
      ? {}
      : {
          MicrosoftAppId: config.MicrosoftAppId,
          MicrosoftAppPassword: config.MicrosoftAppPassword,
          MicrosoftAppTenantId: config.MicrosoftAppTenantId,
          MicrosoftAppType: config.MicrosoftAppType,
        },
  );
}

export function createAdapter(config: Config, logger: Logger, auth = createBotAuthentication(config)): CloudAdapter {
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = (context, error) => apologize(context, error, logger);
  return adapter;
}

/** A failed turn is logged and the user gets a short apology in their language. It never throws. */
async function apologize(context: TurnContext, error: Error, logger: Logger): Promise<void> {
  const activity = context.activity;
  logger.error(
    { err: error, activityType: activity.type, activityName: activity.name, conversationId: activity.conversation?.id },
    'bot turn failed',
  );
  // Only a user's own message or click deserves an answer; a failed conversationUpdate does not.
  if (activity.type !== 'message' && activity.type !== 'invoke') return;
  try {
    await context.sendActivity(t(localeOf(activity.locale), 'error.apology'));
  } catch (sendError) {
    logger.warn({ err: sendError, conversationId: activity.conversation?.id }, 'could not send the apology');
  }
}

export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  // The server checks tokens with the adapter's own authentication before it reads a body (issue 15).
  const botAuth = createBotAuthentication(config);
  const adapter = createAdapter(config, logger, botAuth);
  const services = createServices(config, deps.db, logger, { resolve: deps.resolve });
  const messenger = new Messenger(adapter, services.conversations, config.MicrosoftAppId ?? '', logger);
  const botServices: BotServices = { ...services, messenger, publisher: new CardPublisher(services, messenger) };
  // What follows a deal change in Teams (card updates, referral cards, reminders) runs as jobs, outside requests.
  const router = registerTeamsListeners(botServices);
  registerDigestListener(botServices, router);
  registerPartnerCenterListeners(botServices);
  const bot = new CosellBot(botServices);
  const oldestPendingAt = async () => (await services.jobStore.counts([JOB.pushToPartnerCenter])).oldestPendingAt;
  const pc = services.partnerCenter;
  const health = {
    ...services.health,
    ...(pc
      ? {
          partnerCenter: async () => {
            const o = await pc.store.overview(await oldestPendingAt());
            const state = o.failed.length || o.lastPollError ? 'degraded' : 'ok';
            return { state, pending: o.pending, failed: o.failed.length, lastPollAt: o.lastPollAt, lastPollError: o.lastPollError, lastWebhookAt: o.lastWebhookAt };
          },
        }
      : {}),
  };
  const server = createServer({ config, logger, adapter, botAuth, bot, health });
  const sweeper = new ExpirySweeper(services.commands, config.REFERRAL_REMINDER_DAYS, logger);
  const digest = new DigestScheduler({
    locations: () => services.people.locations(),
    store: services.digests,
    at: config.DIGEST_AT,
    kick: () => services.jobs.kick(),
    logger,
    clock: deps.clock,
  });
  registerReferralRoutes(server, { config, logger, commands: services.commands, resolve: deps.resolve });
  registerNotificationRoutes(server, { config, logger, outbox: services.outbox });
  registerDealsApi(server, {
    logger,
    commands: services.commands,
    queries: services.queries,
    apiClients: config.API_CLIENTS,
    maxBodyBytes: MAX_BODY_BYTES,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  });
  registerOpenApi(server, { publicBaseUrl: config.PUBLIC_BASE_URL });
  registerExportRoutes(server, { exports: services.exports, logger });
  registerChartRoutes(server, { charts: services.charts, logger });
  registerPartnerCenterRoutes(server, { logger, partnerCenter: pc, apiClients: config.API_CLIENTS, oldestPendingAt });
  const http = server.server;
  const inflight = trackInflight(http);
  let closing: Promise<void> | undefined;
  let analyzeTimer: NodeJS.Timeout | undefined;

  return {
    server,
    services: botServices,
    adapter,
    bot,
    sweeper,
    digest,
    async listen() {
      // The locations file is applied before the first request can arrive (a bad file stops the start, CONFIG_INVALID).
      if (config.LOCATIONS_FILE) await loadLocationsFile(services.admin, config.LOCATIONS_FILE, logger);
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        http.once('error', onError);
        server.listen(config.PORT, config.HOST, () => {
          http.off('error', onError);
          sweeper.start(config.SWEEP_INTERVAL_SECONDS * 1000);
          services.outbox.start(config.SWEEP_INTERVAL_SECONDS * 1000);
          digest.start(config.SWEEP_INTERVAL_SECONDS * 1000);
          // Also runs at once: jobs a crash or another instance left behind are picked up on start.
          services.jobs.start(config.JOB_POLL_SECONDS * 1000);
          // Issue 13: one poll chain across instances (a job); started here unless one is waiting already.
          pc?.sync.startPolling(async () => (await services.jobStore.counts([JOB.pollPartnerCenter])).pending > 0).catch((err: unknown) => logger.error({ err }, 'Partner Center poll could not be scheduled'));
          if (deps.db.kind === 'pglite') {
            // PGlite has no autovacuum; PostgreSQL keeps its own statistics fresh.
            analyzeTimer = setInterval(() => {
              analyze(deps.db).catch((err: unknown) => logger.warn({ err }, 'ANALYZE failed'));
            }, ANALYZE_EVERY_MS);
            analyzeTimer.unref();
          }
          resolve({ port: (http.address() as AddressInfo).port });
        });
      });
    },
    close() {
      closing ??= (async () => {
        clearInterval(analyzeTimer);
        await Promise.all([sweeper.stop(), digest.stop(), services.outbox.stop(), services.jobs.stop()]);
        if (!http.listening) return;
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const drained = await inflight.drain(deps.drainTimeoutMs ?? 10_000);
        if (!drained) logger.warn({ inflight: inflight.count }, 'shutdown: requests still in flight, closing anyway');
        http.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
