import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Extra fields on every line (e.g. a test name). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default. Tests may pass a stream to capture them. */
  destination?: pino.DestinationStream;
  /**
   * Write stdout without blocking the event loop (issue 16): lines are handed to the kernel asynchronously (pino's
   * sonic-boom destination, no extra buffering, so each line still appears at once) and flushed synchronously when
   * the process exits. Off by default, so short scripts and tests keep plain synchronous writes.
   */
  async?: boolean;
}

/**
 * JSON lines on stdout (one object per event), as container platforms expect. Secrets that might ride along on
 * request or config objects are redacted by path, so a careless `log.info({ req })` cannot leak them.
 */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'cosell-bot', ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'config.MicrosoftAppPassword',
          'config.REFERRALS_API_TOKEN',
          'MicrosoftAppPassword',
          'REFERRALS_API_TOKEN',
        ],
        censor: '[redacted]',
      },
    },
    opts.destination ?? (opts.async ? pino.destination({ dest: 1, sync: false }) : undefined),
  );
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}

/**
 * botbuilder and botframework-connector `console.error` what they reject — expired tokens, unknown signing keys
 * (with every public key they know), stacks of failed turns — straight to stderr. Inside `quietSdkConsole`, those
 * calls go to the logger at debug level instead; console calls anywhere else are untouched. The scope follows the
 * async call (AsyncLocalStorage), so concurrent requests never silence each other or the rest of the app.
 */
const sdkConsoleScope = new AsyncLocalStorage<Logger>();
let consolePatched = false;

function patchConsoleOnce(): void {
  if (consolePatched) return;
  consolePatched = true;
  for (const method of ['error', 'warn', 'log'] as const) {
    const original = console[method];
    console[method] = function (this: Console, ...args: unknown[]) {
      const logger = sdkConsoleScope.getStore();
      if (!logger) return original.apply(this, args);
      logger.debug({ sdkConsole: method, detail: format(...args) }, 'Bot Framework SDK console output');
    } as Console[typeof method];
  }
}

export function quietSdkConsole<T>(logger: Logger, fn: () => Promise<T>): Promise<T> {
  patchConsoleOnce();
  return sdkConsoleScope.run(logger, fn);
}
