import { createLogger, type Logger } from '../../src/log';

/** A real logger (pino, JSON lines) whose lines a test can read back. */
export function capturedLogger(level: 'debug' | 'info' = 'debug'): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}
