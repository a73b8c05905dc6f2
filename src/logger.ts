import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Nothing a user typed is logged (AT's `text` holds passwords); the redact list is a second
 * line of defence for fields that should never be there.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cp2-channel' },
      redact: {
        paths: ['text', 'password', '*.text', '*.password', 'body', 'req.body'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
