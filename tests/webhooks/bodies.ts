// Request bodies for the webhook table tests (nyaruka/courier's handler tests are the model): forms with
// repeated keys, JSON, raw bytes, and the POST that sends them through real HTTP.
import type { Db } from '../../src/db/knex';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export type Body = { data: string | Uint8Array; type?: string };

/** A form as AT posts it; an array value repeats the key (`a=1&a=2`), which a parser reads as an array. */
export function form(fields: Record<string, string | string[] | undefined>): Body {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) for (const one of [v].flat()) p.append(k, one);
  }
  return { data: p.toString(), type: FORM };
}

/** JSON (which AT does not send but we accept); a lone surrogate goes out as a `\udxxx` escape. */
export function json(value: unknown): Body {
  return { data: JSON.stringify(value), type: JSON_TYPE };
}

/** Bytes as they are, under a content type: for bodies no encoder would produce. */
export function raw(data: string | Uint8Array, type: string | undefined = FORM): Body {
  return { data, type };
}

/** `key=` followed by bytes that are not UTF-8 (0xFF, 0xFE), then the rest of a form. */
export function formWithBadBytes(key: string, rest: Record<string, string>): Body {
  const head = Buffer.from(`${key}=`);
  const tail = Buffer.from(`&${new URLSearchParams(rest).toString()}`);
  return raw(Buffer.concat([head, Buffer.from([0xff, 0xfe, 0x41]), tail]));
}

export const KB5 = 'x'.repeat(5 * 1024);

export async function post(
  baseUrl: string,
  path: string,
  body: Body,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (body.type) headers['content-type'] = body.type;
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: body.data });
  return { status: res.status, text: await res.text() };
}

/** Row counts of the tables a webhook may write, to show a refused body wrote nothing. */
export async function counts(db: Db, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await db(t).count<{ n: string }[]>('* as n');
    out[t] = Number(row?.n ?? 0);
  }
  return out;
}
