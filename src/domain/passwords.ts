// Passwords are digits (typeable on a feature phone keypad), hashed with scrypt and a per-account salt.
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_MAX, PASSWORD_MIN } from './limits';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export const GENERATED_LENGTH = 6;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, so that the cost can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(key, expected);
}

/** Easy to guess: one digit repeated, a run up or down (123456, 987654), a short block repeated. */
export function isTrivialPassword(password: string): boolean {
  if (/^(\d)\1+$/.test(password)) return true;
  const digits = [...password].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - (digits[i] as number) + 10) % 10));
  if (steps.size === 1 && (steps.has(1) || steps.has(9))) return true;
  return /^(\d{1,3})\1+$/.test(password);
}

export function isAcceptablePassword(password: string): boolean {
  return (
    /^\d+$/.test(password) &&
    password.length >= PASSWORD_MIN &&
    password.length <= PASSWORD_MAX &&
    !isTrivialPassword(password)
  );
}

/** A random digits-only password that is not trivial. */
export function generatePassword(length = GENERATED_LENGTH): string {
  for (;;) {
    const pw = Array.from({ length }, () => randomInt(10)).join('');
    if (!isTrivialPassword(pw)) return pw;
  }
}
