// The one rule for what Africa's Talking (AT) posts to our four webhooks (docs/sms.md, "Webhook input").
// A control character (Unicode Cc: C0, DEL, C1) or a lone UTF-16 surrogate is never kept:
// - in a field AT fills itself (ids, phone numbers, codes, statuses, AT's own messages) it means the request
//   did not come from AT as it is documented, so the whole body is refused with 400;
// - in what the user typed (USSD `text`, SMS `text`) it is removed and the rest is kept usable.
// Postgres refuses a NUL (a 500 that AT would resend for hours) and a lone surrogate in jsonb.
import { z } from 'zod';
import { UNSAFE_CHARACTER as UNSAFE } from '../domain/control-characters';

// A tab or line break the user typed separates words: it becomes a space rather than nothing.
const TYPED_BREAK = /[\t\n\v\f\r]/g;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

/** A string AT fills itself: refused if it holds a control character or a lone surrogate; trimmed. */
export function atField(max: number) {
  return z
    .string()
    .refine((s) => !UNSAFE.test(s), 'control character or lone surrogate')
    .trim()
    .max(max);
}

/** What a user typed, made safe to keep: a tab or line break becomes a space, other controls go. */
export function cleanTyped(s: string): string {
  return s.replace(TYPED_BREAK, ' ').replace(UNSAFE_ALL, '');
}

/**
 * What the user typed: never refused for its content, only cleaned. `max` (on what arrived) bounds the
 * work a hop may be asked to do.
 */
export function userText(max?: number) {
  const raw = max === undefined ? z.string() : z.string().max(max);
  return raw.default('').transform(cleanTyped);
}

/**
 * A count AT sends (`hopsCount`, `retryCount`): digits in a form, a number in JSON. Anything else (an
 * array from a repeated key, `true`, `1.5`, `-1`, ``) is refused; `Number()` alone would take most of them.
 */
export function atCount(max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,10}$/)
        .transform(Number),
    ])
    .pipe(z.number().int().nonnegative().max(max));
}

/** The paths of a refused body's bad fields, for the log: never their values (`text` may be a password). */
export function badFields(error: z.ZodError): string[] {
  return error.issues.map((i) => i.path.join('.'));
}
