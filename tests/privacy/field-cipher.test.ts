// The field cipher (src/domain/personal-data/field-cipher.ts) on its own: what it stores reads back, what
// was changed in storage is refused rather than read wrongly (AES-GCM's tag), a value written under an old
// key still reads while that key is configured as previous, and the keyed hash is stable per key.
import { FieldCipher, newDataKey, parseDataKey } from '../../src/domain/personal-data/field-cipher';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const a = new FieldCipher({ current: keyA, previous: [] });

/** The five dot-separated parts of a stored value: version, key id, iv, tag, ciphertext. */
const parts = (stored: string) => stored.split('.') as [string, string, string, string, string];
const b64 = (s: string) => Buffer.from(s, 'base64url');
/** The stored value with one part replaced. */
function withPart(stored: string, i: number, value: Buffer | string): string {
  const p: string[] = parts(stored);
  p[i] = typeof value === 'string' ? value : value.toString('base64url');
  return p.join('.');
}
/** The bytes with one bit flipped. */
function flipped(bytes: Buffer, at = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

describe('encrypt and decrypt', () => {
  test.each(['12345678', 'A012345678Z', '+254712345678', '', 'Wanjikũ — 😀'])('round trip of %j', (plain) => {
    const stored = a.encrypt(plain);
    expect(FieldCipher.isEncrypted(stored)).toBe(true);
    expect(stored).not.toContain(plain || '\u0000');
    expect(a.decrypt(stored)).toBe(plain);
  });

  test('the stored value names its version and key; a new IV each time, so equal values differ', () => {
    const one = a.encrypt('12345678');
    const two = a.encrypt('12345678');
    expect(one).not.toBe(two);
    const [version, id, iv, tag] = parts(one);
    expect(version).toBe('v1');
    expect(id).toBe(a.keyId);
    expect(b64(iv)).toHaveLength(12);
    expect(b64(tag)).toHaveLength(16);
    expect(parts(two)[2]).not.toBe(iv);
  });

  test('a plain value is not taken for an encrypted one', () => {
    expect(FieldCipher.isEncrypted('12345678')).toBe(false);
    expect(() => a.decrypt('12345678')).toThrow('not an encrypted field value');
    expect(() => a.decrypt('v2.x.y.z.w')).toThrow('not an encrypted field value');
    expect(() => a.decrypt('v1.abc.def')).toThrow('not an encrypted field value');
  });

  test('a key that is not 32 bytes is refused', () => {
    expect(() => new FieldCipher({ current: Buffer.alloc(16, 1), previous: [] })).toThrow('32 bytes');
  });
});

describe('tampering is refused (GCM authentication), never read as another value', () => {
  const stored = a.encrypt('12345678');
  const [, , iv, tag, body] = parts(stored);

  test('a changed ciphertext', () => {
    expect(() => a.decrypt(withPart(stored, 4, flipped(b64(body))))).toThrow();
    expect(() => a.decrypt(withPart(stored, 4, b64(body).subarray(1)))).toThrow();
  });

  test('a changed tag', () => {
    expect(() => a.decrypt(withPart(stored, 3, flipped(b64(tag), 15)))).toThrow();
  });

  test('a truncated tag (a short tag would make a forgery 2^32 tries away, not 2^128)', () => {
    for (const n of [4, 8, 12, 15]) {
      expect(() => a.decrypt(withPart(stored, 3, b64(tag).subarray(0, n)))).toThrow();
    }
    expect(() => a.decrypt(withPart(stored, 3, ''))).toThrow();
  });

  test('a changed IV', () => {
    expect(() => a.decrypt(withPart(stored, 2, flipped(b64(iv))))).toThrow();
  });

  test('the ciphertext of another value, under the same IV and tag', () => {
    const other = parts(a.encrypt('87654321'))[4];
    expect(() => a.decrypt(withPart(stored, 4, other))).toThrow();
  });

  test('a value relabelled with another key id that is held', () => {
    const both = new FieldCipher({ current: keyB, previous: [keyA] });
    const underB = both.encrypt('12345678');
    expect(() => both.decrypt(withPart(underB, 1, a.keyId))).toThrow();
  });
});

describe('rotation', () => {
  const old = a.encrypt('12345678');

  test('with the old key as previous, what it wrote still reads; new values use the new key', () => {
    const rotating = new FieldCipher({ current: keyB, previous: [keyA] });
    expect(rotating.keyId).not.toBe(a.keyId);
    expect(rotating.decrypt(old)).toBe('12345678');
    const fresh = rotating.encrypt('12345678');
    expect(parts(fresh)[1]).toBe(rotating.keyId);
    // The old key alone cannot read what the new one wrote: a rollback needs the new key kept as previous.
    expect(() => a.decrypt(fresh)).toThrow(`data key ${rotating.keyId} is not configured`);
  });

  test('without the old key, what it wrote is refused naming that key', () => {
    const onlyNew = new FieldCipher({ current: keyB, previous: [] });
    expect(() => onlyNew.decrypt(old)).toThrow(`data key ${a.keyId} is not configured`);
  });

  test('the key id does not depend on which key is current', () => {
    expect(new FieldCipher({ current: keyB, previous: [keyA] }).indexes('f', 'x')).toContain(
      a.index('f', 'x'),
    );
  });
});

describe('the keyed hash', () => {
  test('is stable for a key, field and value, and names its key', () => {
    const again = new FieldCipher({ current: Buffer.from(keyA), previous: [] });
    expect(again.index('national_id', '12345678')).toBe(a.index('national_id', '12345678'));
    expect(a.index('national_id', '12345678').startsWith(`${a.keyId}.`)).toBe(true);
    expect(a.index('national_id', '12345678')).not.toContain('12345678');
  });

  test('differs per key, per field and per value', () => {
    const b = new FieldCipher({ current: keyB, previous: [] });
    const h = a.index('national_id', '12345678');
    expect(b.index('national_id', '12345678')).not.toBe(h);
    expect(a.index('kra_pin', '12345678')).not.toBe(h);
    expect(a.index('national_id', '12345679')).not.toBe(h);
    // The separator keeps field and value apart: ("ab", "c") is not ("a", "bc").
    expect(a.index('ab', 'c')).not.toBe(a.index('a', 'bc'));
  });

  test('during a rotation a lookup tries the hash under every key held, current first', () => {
    const rotating = new FieldCipher({ current: keyB, previous: [keyA] });
    const b = new FieldCipher({ current: keyB, previous: [] });
    expect(rotating.indexes('national_id', '12345678')).toEqual([
      b.index('national_id', '12345678'),
      a.index('national_id', '12345678'),
    ]);
  });

  test('compared in constant time: equal, different, different lengths', () => {
    const h = a.index('national_id', '12345678');
    expect(FieldCipher.sameIndex(h, a.index('national_id', '12345678'))).toBe(true);
    expect(FieldCipher.sameIndex(h, a.index('national_id', '12345679'))).toBe(false);
    expect(FieldCipher.sameIndex(h, h.slice(1))).toBe(false);
  });
});

describe('data keys from configuration', () => {
  test('base64 (44 characters) or hex (64) of 32 bytes; anything else is not a key', () => {
    const key = newDataKey();
    expect(parseDataKey(key)).toEqual(Buffer.from(key, 'base64'));
    expect(parseDataKey(` ${key}\n`)).toHaveLength(32);
    expect(parseDataKey(keyA.toString('hex'))).toEqual(keyA);
    expect(parseDataKey(Buffer.alloc(16, 1).toString('base64'))).toBeUndefined();
    expect(parseDataKey(Buffer.alloc(33, 1).toString('base64'))).toBeUndefined();
    expect(parseDataKey('not a key')).toBeUndefined();
    expect(newDataKey()).not.toBe(key);
  });
});
