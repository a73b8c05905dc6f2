// Encryption at rest of the identity fields (national ID, KRA PIN, M-Pesa number, bank account):
// AES-256-GCM under the data key, and a keyed hash (HMAC-SHA256) beside what must stay unique or be
// looked up (one account per national ID; past deployments by national ID). Each stored value names the
// key that encrypted it, so a key can be rotated while the service runs: the current key encrypts, the
// previous ones still decrypt, and `npm run rotate-key` re-encrypts what they wrote.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** The keys the service holds: `current` encrypts; `previous` only decrypt (during a rotation). */
export type DataKeys = { current: Buffer; previous: readonly Buffer[] };

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

type Key = { id: string; encryption: Buffer; index: Buffer };

/** What a 32-byte key is called in stored values: not secret, enough to tell keys apart. */
function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('cp2 data key id').digest('hex').slice(0, 8);
}

function derive(key: Buffer): Key {
  if (key.length !== 32) throw new Error('a data key must be 32 bytes');
  // Separate keys for the cipher and the index, so that neither use weakens the other.
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
  return { id: keyIdOf(key), encryption: sub('cp2 field encryption'), index: sub('cp2 field index') };
}

export class FieldCipher {
  private readonly current: Key;
  private readonly byId: Map<string, Key>;

  constructor(keys: DataKeys) {
    this.current = derive(keys.current);
    this.byId = new Map([this.current, ...keys.previous.map(derive)].map((k) => [k.id, k]));
  }

  /** The id of the key new values are encrypted with (stored beside them as `data_key_id`). */
  get keyId(): string {
    return this.current.id;
  }

  /** `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url; a different text each time for the same value. */
  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [VERSION, this.current.id, ...parts].join('.');
  }

  /** The plain value; throws when the value was tampered with or its key is not held. */
  decrypt(stored: string): string {
    const [version, id, iv, tag, body] = stored.split('.');
    if (version !== VERSION || !id || iv === undefined || tag === undefined || body === undefined)
      throw new Error('not an encrypted field value');
    const key = this.byId.get(id);
    if (!key) throw new Error(`data key ${id} is not configured (DATA_KEY, DATA_KEY_PREVIOUS)`);
    // The whole 16-byte tag or nothing: GCM accepts a tag as short as 4 bytes, and a truncated tag that
    // matched would make a forged value 2^32 tries away instead of 2^128.
    const authTag = Buffer.from(tag, 'base64url');
    if (authTag.length !== TAG_BYTES) throw new Error('not an encrypted field value (tag)');
    const decipher = createDecipheriv('aes-256-gcm', key.encryption, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Whether a stored value is encrypted at all (rows written before encryption are not, until migrated). */
  static isEncrypted(stored: string): boolean {
    return stored.startsWith(`${VERSION}.`);
  }

  /** The keyed hash stored beside a value that must stay unique or searchable, under the current key. */
  index(field: string, plain: string): string {
    return indexUnder(this.current, field, plain);
  }

  /** The hash under every key held: what a lookup must match while a rotation is under way. */
  indexes(field: string, plain: string): string[] {
    return [...this.byId.values()].map((k) => indexUnder(k, field, plain));
  }

  /** Constant-time comparison of two hashes (for checks made in code rather than by an index). */
  static sameIndex(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }
}

function indexUnder(key: Key, field: string, plain: string): string {
  return `${key.id}.${createHmac('sha256', key.index).update(`${field}\u0000${plain}`).digest('base64url')}`;
}

/** A data key from configuration: 32 bytes written as base64 (44 characters) or hex (64). */
export function parseDataKey(text: string): Buffer | undefined {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  return key.length === 32 && (t.length === 64 || t.length === 44) ? key : undefined;
}

/** A new random data key, as configuration writes it (base64). */
export function newDataKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * For benchmarks and the memory soak on their own synthetic data: a fixed, published key, so that runs
 * share what earlier runs encrypted. Never a service's key (config refuses a missing DATA_KEY in
 * production; this is not read from config at all).
 */
export const NOT_SECRET_DATA_KEY = Buffer.alloc(32, 1).toString('base64');
export const NOT_SECRET_CIPHER = new FieldCipher({ current: Buffer.alloc(32, 1), previous: [] });
