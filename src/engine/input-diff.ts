// AT sends every input of the session joined by '*' in `text`. We keep only a keyed digest (HMAC) of
// what we have consumed — never the text, which holds passwords, nor its length — and take what follows
// it as the new input. Re-splitting the whole history on '*' would break free text that contains a '*'.
// The key lives in Postgres, not in the session store, so a copy of Redis cannot be used to guess a
// short password from the digest.
import { createHmac } from 'node:crypto';

export type InputDiff =
  | { kind: 'repeat' }
  | { kind: 'new'; input: string }
  /** The text does not extend what we consumed (an operator rewrote it): take its last part. */
  | { kind: 'mismatch'; input: string };

export type InputDiffer = {
  /** What is stored about the text consumed so far. */
  consumedOf: (text: string) => string;
  diffInput: (consumed: string, text: string) => InputDiff;
};

export function createInputDiffer(key: Buffer): InputDiffer {
  const digest = (text: string) => createHmac('sha256', key).update(text).digest('base64url').slice(0, 22);
  return {
    consumedOf: digest,
    diffInput(consumed, text) {
      if (digest(text) === consumed) return { kind: 'repeat' };
      if (text.length > 0 && digest('') === consumed) return { kind: 'new', input: text };
      // The consumed prefix ends at one of the '*'; at most one prefix can have the stored digest.
      for (let i = text.indexOf('*'); i !== -1; i = text.indexOf('*', i + 1)) {
        if (digest(text.slice(0, i)) === consumed) return { kind: 'new', input: text.slice(i + 1) };
      }
      const star = text.lastIndexOf('*');
      return { kind: 'mismatch', input: star === -1 ? text : text.slice(star + 1) };
    },
  };
}

/** A first hop with text is a direct dial (`*384*22262*1*2#` → ['1', '2']). */
export function directDialParts(text: string, maxParts: number): string[] | undefined {
  if (!/^\d+(\*\d+)*$/.test(text)) return undefined;
  const parts = text.split('*');
  return parts.length <= maxParts ? parts : undefined;
}
