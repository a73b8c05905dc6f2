// Keyset pages for the operator API's lists (decision 0011): ordered by id, a page is "the next `limit`
// rows after this id", so page 1,000 costs what page 1 does. The cursor is opaque to callers (they pass
// back `next_cursor`); an offset is refused, naming the cursor, so an old script fails loudly rather
// than walking a season with offsets.
import { z } from 'zod';

const PREFIX = 'id:';

export function encodeCursor(lastId: number): string {
  return Buffer.from(`${PREFIX}${lastId}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const id = Number(text.slice(PREFIX.length));
  return Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/** `cursor`: the `next_cursor` of the previous page; its value is the last id that page showed. */
export const cursorParam = z
  .string()
  .max(64)
  .transform((s, ctx) => {
    const id = decodeCursor(s);
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor: pass next_cursor of the previous page' });
      return z.NEVER;
    }
    return id;
  })
  .optional()
  .describe('next_cursor of the previous page; absent for the first page');

export const limitParam = z.coerce.number().int().min(1).max(500).default(50);

/** Refuses `offset` with a message that says what to use instead. */
export const offsetRefused = z
  .unknown()
  .refine((v) => v === undefined, {
    message: 'offset is not supported: page with cursor (pass next_cursor of the previous page)',
  })
  .optional()
  .describe('not supported: use cursor');

/** Rows fetched with `limit + 1`: the page, and the cursor of the next one (null on the last page). */
export function page<T extends { id: number | string }>(
  rows: T[],
  limit: number,
): { rows: T[]; next_cursor: string | null } {
  if (rows.length <= limit) return { rows, next_cursor: null };
  const shown = rows.slice(0, limit);
  return { rows: shown, next_cursor: encodeCursor(Number(shown[shown.length - 1]?.id)) };
}
