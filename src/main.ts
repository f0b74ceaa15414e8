import './quietKnownWarnings';
import { createApp } from './app';
import { isLocalMode, loadConfig } from './config';
import { createLogger } from './log';
import { loadDemoCustomersIfEmpty } from './store/customers';
import { openDatabase } from './store/database';

/** Composition root: config → logger → database → app → listen; SIGTERM/SIGINT close them in reverse. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, async: true });
  const db = await openDatabase({ url: config.DATABASE_URL });
  // A fresh database gets the demo customer directory, so "new deal" has companies to find (issue 4).
  await loadDemoCustomersIfEmpty(db.prisma, logger).catch((err: unknown) => logger.warn({ err }, 'could not load the demo customers'));
  const app = createApp({ config, db, logger });
  const { port } = await app.listen().catch(async (err: unknown) => {
    await db.close();
    throw err;
  });

  // 0.0.0.0 / :: are bind addresses, not something to paste into a browser.
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `http://${host}:${port}`;
  const local = isLocalMode(config);
  logger.info({ url, endpoint: `${url}/api/messages` }, `listening on ${url}`);
  logger.info({ db: db.kind, where: db.where }, `database: ${db.kind} at ${db.where}`);
  logger.info(
    { mode: local ? 'local' : 'authenticated' },
    local ? 'mode: local (MicrosoftAppId not set: no Bot Framework auth, loopback callers only)' : 'mode: authenticated (Bot Framework JWT required)',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C while draining: the operator wants out now.
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.close();
      await db.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.fatal({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
}

// Expected start-up failures (bad config, data directory in use, port taken) are one clear line, not a stack.
const EXPECTED = new Set(['CONFIG_INVALID', 'DATA_DIR_LOCKED', 'EADDRINUSE', 'EACCES']);

main().catch((err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && EXPECTED.has(code)) {
    console.error((err as Error).message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
