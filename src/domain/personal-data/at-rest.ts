// Keeps the identity fields encrypted under the current data key: rows written before encryption existed
// (or by a bulk load) are encrypted at start, and after a key change `npm run rotate-key` re-encrypts what
// an older key wrote. Both walk the table in id order, a short transaction per batch holding its rows'
// locks, so the service keeps serving while it runs (a profile saved meanwhile waits for one batch).
import type { Db } from '../../db/knex';
import { FieldCipher } from './field-cipher';

/** The profile columns held as ciphertext (docs/privacy.md). */
export const ENCRYPTED_PROFILE_COLUMNS = ['national_id', 'kra_pin', 'mpesa_phone', 'bank_account'] as const;
type EncryptedColumn = (typeof ENCRYPTED_PROFILE_COLUMNS)[number];

/** The keyed hash of a national ID, stored beside it (profiles and deployments) for uniqueness and lookups. */
export const NATIONAL_ID_INDEX = 'national_id';

export type PassResult = { profiles: number; deployments: number };

/** Whether a stored value must be written again: plain text, or encrypted under another key. */
function stale(cipher: FieldCipher, stored: string | null): boolean {
  if (stored === null) return false;
  return !FieldCipher.isEncrypted(stored) || stored.split('.')[1] !== cipher.keyId;
}

function plain(cipher: FieldCipher, stored: string): string {
  return FieldCipher.isEncrypted(stored) ? cipher.decrypt(stored) : stored;
}

/**
 * Encrypts, under the current key, every identity value that is plain text or under another key, and
 * writes the national ID's hash under the current key. `batch` rows per transaction. Returns the rows
 * changed.
 */
export async function encryptAll(
  db: Db,
  cipher: FieldCipher,
  batch = 500,
  /** `onlyPlain`: only rows holding plain text (at start: found by a scan, not walked batch by batch). */
  opts: { onlyPlain?: boolean } = {},
): Promise<PassResult> {
  return {
    profiles: await profilesPass(db, cipher, batch, opts.onlyPlain === true),
    deployments: await deploymentsPass(db, cipher, batch, opts.onlyPlain === true),
  };
}

const plainSql = (column: string) => `(${column} is not null and ${column} not like 'v1.%')`;

async function profilesPass(db: Db, cipher: FieldCipher, batch: number, onlyPlain: boolean): Promise<number> {
  let changed = 0;
  let after = 0;
  for (;;) {
    const done = await db.transaction(async (trx) => {
      const rows = (await trx('profiles')
        .where('account_id', '>', after)
        .modify((q) => {
          if (onlyPlain)
            q.whereRaw(
              `(${ENCRYPTED_PROFILE_COLUMNS.map(plainSql).join(' or ')} or (national_id is not null and national_id_hash is null))`,
            );
        })
        .orderBy('account_id')
        .limit(batch)
        .forUpdate()
        .select('account_id', 'national_id_hash', ...ENCRYPTED_PROFILE_COLUMNS)) as ({
        account_id: number;
        national_id_hash: string | null;
      } & Record<EncryptedColumn, string | null>)[];
      const updates: Record<string, string | number | null>[] = [];
      for (const row of rows) {
        const update: Record<string, string | null> = {};
        for (const column of ENCRYPTED_PROFILE_COLUMNS) {
          const v = row[column];
          // At start only plain text is encrypted: rotating is `npm run rotate-key`'s job.
          const due = onlyPlain ? v !== null && !FieldCipher.isEncrypted(v) : stale(cipher, v);
          if (v !== null && due) update[column] = cipher.encrypt(plain(cipher, v));
        }
        const id = row.national_id === null ? null : plain(cipher, row.national_id);
        const hash = id === null ? null : cipher.index(NATIONAL_ID_INDEX, id);
        if (hash !== row.national_id_hash) update.national_id_hash = hash;
        if (Object.keys(update).length > 0) {
          // Every column given, unchanged ones as they were: one statement writes the whole batch.
          const whole: Record<string, string | number | null> = { account_id: row.account_id };
          for (const column of ENCRYPTED_PROFILE_COLUMNS) whole[column] = update[column] ?? row[column];
          whole.national_id_hash = hash;
          updates.push(whole);
        }
      }
      if (updates.length > 0) {
        const columns = [...ENCRYPTED_PROFILE_COLUMNS, 'national_id_hash'];
        await trx.raw(
          `update profiles p set ${columns.map((c) => `${c} = x.${c}`).join(', ')}
             from jsonb_to_recordset(?::jsonb) as x(account_id bigint, ${columns.map((c) => `${c} text`).join(', ')})
            where p.account_id = x.account_id`,
          [JSON.stringify(updates)],
        );
        changed += updates.length;
      }
      after = Number(rows.at(-1)?.account_id ?? after);
      return rows.length < batch;
    });
    if (done) return changed;
  }
}

async function deploymentsPass(
  db: Db,
  cipher: FieldCipher,
  batch: number,
  onlyPlain: boolean,
): Promise<number> {
  let changed = 0;
  let after = 0;
  for (;;) {
    const done = await db.transaction(async (trx) => {
      const rows = (await trx('deployments')
        .where('id', '>', after)
        .modify((q) => {
          if (onlyPlain) q.whereRaw(`(${plainSql('national_id')} or national_id_hash is null)`);
        })
        .orderBy('id')
        .limit(batch)
        .forUpdate()
        .select('id', 'national_id', 'national_id_hash', 'duty_station', 'year')) as {
        id: number;
        national_id: string;
        national_id_hash: string | null;
        duty_station: string;
        year: number;
      }[];
      for (const row of rows) {
        const id = plain(cipher, row.national_id);
        const hash = cipher.index(NATIONAL_ID_INDEX, id);
        if (!stale(cipher, row.national_id) && hash === row.national_id_hash) continue;
        // The same deployment imported again under another key: one row is enough.
        const twin: unknown = await trx('deployments')
          .where({ national_id_hash: hash, duty_station: row.duty_station, year: row.year })
          .whereNot('id', row.id)
          .first('id');
        if (twin) await trx('deployments').where({ id: row.id }).del();
        else
          await trx('deployments')
            .where({ id: row.id })
            .update({ national_id: cipher.encrypt(id), national_id_hash: hash });
        changed += 1;
      }
      after = Number(rows.at(-1)?.id ?? after);
      return rows.length < batch;
    });
    if (done) return changed;
  }
}

/** How many rows still hold a value that is plain text or under another key (0 once a pass is done). */
export async function pendingCount(db: Db, cipher: FieldCipher): Promise<PassResult> {
  const current = `v1.${cipher.keyId}.%`;
  const notCurrent = (column: string) => `(${column} is not null and ${column} not like '${current}')`;
  const profiles = await db('profiles')
    .whereRaw(ENCRYPTED_PROFILE_COLUMNS.map(notCurrent).join(' or '))
    .count({ n: '*' })
    .first();
  const deployments = await db('deployments').whereRaw(notCurrent('national_id')).count({ n: '*' }).first();
  return { profiles: Number(profiles?.n ?? 0), deployments: Number(deployments?.n ?? 0) };
}

/**
 * A profile row as an authorised reader sees it (the admin API, exports): identity fields decrypted, the
 * keyed hash left out. Values written before encryption are returned as they are.
 */
export function revealProfileRow<R extends Record<string, unknown>>(cipher: FieldCipher, row: R): R {
  const out: Record<string, unknown> = { ...row };
  for (const column of ENCRYPTED_PROFILE_COLUMNS) {
    const v = out[column];
    if (typeof v === 'string' && FieldCipher.isEncrypted(v)) out[column] = cipher.decrypt(v);
  }
  delete out.national_id_hash;
  return out as R;
}

/**
 * Refuses a key that cannot read what is stored (a wrong DATA_KEY, or the old key left out of
 * DATA_KEY_PREVIOUS): better not to start than to answer every profile with an apology.
 */
export async function checkKeyReadsData(db: Db, cipher: FieldCipher): Promise<void> {
  const row = (await db('profiles').whereRaw("national_id like 'v1.%'").first('national_id')) as
    { national_id: string } | undefined;
  if (!row) return;
  try {
    cipher.decrypt(row.national_id);
  } catch {
    const id = row.national_id.split('.')[1] ?? '?';
    throw new Error(
      `the stored identity fields were encrypted with data key ${id}, which DATA_KEY (key ${cipher.keyId}) and DATA_KEY_PREVIOUS do not include: set the right DATA_KEY, or the old one in DATA_KEY_PREVIOUS`,
    );
  }
}
