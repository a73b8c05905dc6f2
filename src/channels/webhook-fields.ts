import { z } from 'zod';

// Control characters (a NUL) in AT's fields would be refused by Postgres and turn the webhook into a 500
// that AT resends for hours: they are refused here with a 400 instead.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

/** A trimmed string field of an AT webhook, at most `max` characters, without control characters. */
export function webhookField(max: number) {
  return z.string().trim().max(max).regex(NO_CONTROL, 'control character');
}

/** What a user typed: anything goes, but a NUL cannot be stored. */
export function userText() {
  return z
    .string()
    .default('')
    .transform((t) => t.replaceAll('\u0000', ''));
}
