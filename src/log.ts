import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Extra fields on every line (e.g. a test name). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default. Tests may pass a stream to capture them. */
  destination?: pino.DestinationStream;
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
    opts.destination,
  );
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}
