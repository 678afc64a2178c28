/**
 * JSON logs (pino). One logger per server; request handlers log through a child carrying the
 * request id, so every line about a request can be joined on `reqId`.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Log levels accepted by --log-level. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Creates the server logger; `destination` defaults to stdout. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const opts = { level, base: { name: 'podfit' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(opts, destination) : pino(opts);
}
