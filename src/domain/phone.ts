// Phone numbers are normalised once, at the edge, to E.164 (+2547XXXXXXXX / +2541XXXXXXXX).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

// Every hop of a session carries the same number: remember recent answers (parsing is not free).
const recent = new Map<string, string | undefined>();
const RECENT_MAX = 10_000;

/** E.164 for a Kenyan mobile number written +2547…, 2547…, 07… or 01…; undefined otherwise. */
export function normalisePhone(raw: string): string | undefined {
  if (recent.has(raw)) return recent.get(raw);
  const e164 = parseKenyanMobile(raw);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(raw, e164);
  return e164;
}

function parseKenyanMobile(raw: string): string | undefined {
  const cleaned = raw.trim().replace(/[\s-]/g, '');
  const withPlus = /^254\d{9}$/.test(cleaned) ? `+${cleaned}` : cleaned;
  const parsed = parsePhoneNumberFromString(withPlus, 'KE');
  if (!parsed || !parsed.isValid() || parsed.country !== 'KE') return undefined;
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return undefined;
  return parsed.number;
}

/** The portal's username: the number without the plus. */
export function usernameOf(e164: string): string {
  return e164.replace(/^\+/, '');
}

/** For logs: enough to correlate, not enough to identify (+2547****5678). */
export function maskPhone(e164: string): string {
  return e164.length > 8 ? `${e164.slice(0, 5)}****${e164.slice(-4)}` : '****';
}

/**
 * A number as a Kenyan reads and dials it (`0712 345 678`), for screens and SMS; the username stays
 * `2547…` wherever it is the username.
 */
export function displayPhone(e164: string): string {
  const m = /^\+254(\d{3})(\d{3})(\d{3})$/.exec(e164);
  return m ? `0${m[1]} ${m[2]} ${m[3]}` : e164;
}
