import pino from 'pino';

/**
 * The BFF's logger: pino, one JSON line per event on stderr (stdout carries only what `npm start`
 * prints for people), at LOG_LEVEL (debug, info, warn, error or silent) and above.
 *
 * Callers log ids, routes, statuses and error texts, never a request's body or headers. The
 * redaction below is a second line: a field named like a secret is masked wherever it appears.
 */
const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
const SECRET_FIELDS = ['password', 'token', 'access', 'refresh', 'code', 'link', 'authorization'];

export const logger = pino(
  {
    // An unknown LOG_LEVEL falls back to info rather than stopping the process at its first import.
    level: LEVELS.includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : 'info',
    base: undefined,
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: SECRET_FIELDS.flatMap((key) => [key, `*.${key}`]),
      censor: '[redacted]',
    },
  },
  // Synchronous writes: a line logged just before `process.exit` is not lost.
  pino.destination({ dest: 2, sync: true }),
);

type Fields = Record<string, unknown>;

export const log = {
  debug: (message: string, fields: Fields = {}) => logger.debug(fields, message),
  info: (message: string, fields: Fields = {}) => logger.info(fields, message),
  warn: (message: string, fields: Fields = {}) => logger.warn(fields, message),
  error: (message: string, fields: Fields = {}) => logger.error(fields, message),
};
