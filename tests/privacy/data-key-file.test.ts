// The embedded default's data key (src/data-keys.ts): with no DATA_KEY, the service generates a key once
// under DATA_DIR (readable by its owner only), says so in the log, and reuses it on the next start, so
// that what the first start encrypted still reads. With DATA_KEY set, no file is made or read.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataKeyFile, openFieldCipher } from '../../src/data-keys';
import { parseDataKey } from '../../src/domain/personal-data/field-cipher';
import { createLogger } from '../../src/logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cp2-data-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A logger whose lines are kept, parsed. */
function capturing() {
  const lines: { level: number; msg: string; file?: string; previousKeys?: number }[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}
const WARN = 40;
const INFO = 30;

test('no DATA_KEY: a key is generated under DATA_DIR, said in the log, and reused on the next start', () => {
  const dataDir = path.join(dir, 'nested', '.data'); // made when missing
  const config = { dataDir, dataKeysPrevious: [] };
  const file = dataKeyFile(config);
  expect(file).toBe(path.join(dataDir, 'data-key'));
  expect(existsSync(file)).toBe(false);

  const first = capturing();
  const cipher = openFieldCipher(config, first.log);
  expect(existsSync(file)).toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const key = parseDataKey(readFileSync(file, 'utf8'));
  expect(key).toHaveLength(32);
  expect(first.lines).toEqual([
    expect.objectContaining({
      level: WARN,
      file,
      msg: 'personal data: no DATA_KEY, generated a data key and kept it in this file (back it up)',
    }),
  ]);
  const stored = cipher.encrypt('12345678');

  // The next start: the same key, said so, and what the first start wrote reads.
  const second = capturing();
  const again = openFieldCipher(config, second.log);
  expect(readFileSync(file, 'utf8')).toBe(`${(key as Buffer).toString('base64')}\n`);
  expect(again.keyId).toBe(cipher.keyId);
  expect(again.decrypt(stored)).toBe('12345678');
  expect(second.lines).toEqual([
    expect.objectContaining({
      level: INFO,
      file,
      msg: 'personal data: no DATA_KEY, using the data key kept in this file',
    }),
  ]);

  // Another DATA_DIR is another key: the key belongs to its data directory.
  const elsewhere = openFieldCipher(
    { dataDir: path.join(dir, 'other'), dataKeysPrevious: [] },
    capturing().log,
  );
  expect(elsewhere.keyId).not.toBe(cipher.keyId);
});

test('a key file left readable by others is made owner-only again', () => {
  const config = { dataDir: dir, dataKeysPrevious: [] };
  openFieldCipher(config, capturing().log);
  const file = dataKeyFile(config);
  chmodSync(file, 0o644);
  openFieldCipher(config, capturing().log);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test('a key file that holds no key stops the start, naming the file', () => {
  const config = { dataDir: dir, dataKeysPrevious: [] };
  writeFileSync(dataKeyFile(config), 'not a key\n');
  expect(() => openFieldCipher(config, capturing().log)).toThrow(
    `${dataKeyFile(config)} does not hold a data key (32 bytes, base64 or hex)`,
  );
});

test('DATA_KEY set: that key, no file made under DATA_DIR, and the log says which', () => {
  const current = Buffer.alloc(32, 5);
  const previous = Buffer.alloc(32, 6);
  const { log, lines } = capturing();
  const cipher = openFieldCipher({ dataDir: dir, dataKey: current, dataKeysPrevious: [previous] }, log);
  expect(existsSync(dataKeyFile({ dataDir: dir }))).toBe(false);
  expect(lines).toEqual([
    expect.objectContaining({
      level: INFO,
      previousKeys: 1,
      msg: 'personal data: encrypted with DATA_KEY (rotating)',
    }),
  ]);
  const plain = openFieldCipher({ dataDir: dir, dataKey: current, dataKeysPrevious: [] }, capturing().log);
  expect(plain.keyId).toBe(cipher.keyId);
});
