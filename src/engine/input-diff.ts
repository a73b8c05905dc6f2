// AT sends every input of the session joined by '*' in `text`. We keep only the length and a digest of
// what we have consumed (never the text: it holds passwords) and take what comes after it as new input.
// Re-splitting the whole history on '*' would break free text that contains a '*'.
import { createHash } from 'node:crypto';

export type Consumed = { length: number; digest: string };

export type InputDiff =
  | { kind: 'repeat' }
  | { kind: 'new'; input: string }
  /** The text does not extend what we consumed (an operator rewrote it): take its last part. */
  | { kind: 'mismatch'; input: string };

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

export function consumedOf(text: string): Consumed {
  return { length: text.length, digest: digestOf(text) };
}

export function diffInput(consumed: Consumed, text: string): InputDiff {
  if (text.length === consumed.length && digestOf(text) === consumed.digest) return { kind: 'repeat' };
  if (consumed.length === 0 && text.length > 0) return { kind: 'new', input: text };
  if (
    text.length > consumed.length &&
    text[consumed.length] === '*' &&
    digestOf(text.slice(0, consumed.length)) === consumed.digest
  ) {
    return { kind: 'new', input: text.slice(consumed.length + 1) };
  }
  const star = text.lastIndexOf('*');
  return { kind: 'mismatch', input: star === -1 ? text : text.slice(star + 1) };
}

/** A first hop with text is a direct dial (`*384*22262*1*2#` → ['1', '2']). */
export function directDialParts(text: string, maxParts: number): string[] | undefined {
  if (!/^\d+(\*\d+)*$/.test(text)) return undefined;
  const parts = text.split('*');
  return parts.length <= maxParts ? parts : undefined;
}
