import { Logger as NestLogger, type LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import pinoPretty from 'pino-pretty';

export type LogFormat = 'json' | 'text';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LoggingOptions = Readonly<{
  /** `json`: one JSON object per line (default when stdout is not a terminal); `text`: for people at a terminal. */
  format?: LogFormat;
  level?: LogLevel;
}>;

/** LOG_FORMAT, defaulting as the contract says: JSON unless stdout is a terminal. */
export function defaultLogFormat(): LogFormat {
  return process.stdout.isTTY ? 'text' : 'json';
}

/**
 * Request headers and fields that may hold a secret or personal data. The request log never serializes headers or
 * bodies at all (see request-logging.ts); this is the second line of defence for anything logged by hand.
 */
const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'body',
  '*.body',
  'email',
  '*.email',
  'name',
  '*.name',
];

/**
 * The process's one logger: pino writing to stdout, `time` as ISO, `level` as its name (`info`), message in `msg`.
 * Every Nest `Logger` in the process (services, projector, relay) writes through it.
 */
export function createRootLogger(options: LoggingOptions = {}): pino.Logger {
  const format = options.format ?? defaultLogFormat();
  const config: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: undefined, // no pid/hostname: the platform runs one process per container
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  const destination =
    format === 'json'
      ? pino.destination({ fd: 1, sync: true })
      : pinoPretty({ colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'context', messageFormat: '[{context}] {msg}', sync: true });
  return pino(config, destination);
}

/** A Nest LoggerService over `root`, installed for every Nest `Logger` (also those created before the app). */
export function useRootLogger(root: pino.Logger): LoggerService {
  const params = { pinoHttp: { logger: root } };
  const service = new NestPinoLogger(new PinoLogger(params), params);
  NestLogger.overrideLogger(service);
  return service;
}
