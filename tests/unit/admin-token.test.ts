// The operator token on the embedded default: generated once under DATA_DIR (mode 600) and kept; the
// configured tokens win; with a configured database or in production none is made up.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { adminTokenFile, operatorTokens } from '../../src/admin-token';

const log = pino({ level: 'silent' });
const dir = () => mkdtempSync(path.join(tmpdir(), 'cp2-token-'));

test('embedded default without a token: one is generated into DATA_DIR/admin-token and kept', () => {
  const dataDir = dir();
  const first = operatorTokens({ adminTokens: [], dataDir }, log, {});
  expect(first).toHaveLength(1);
  expect(first[0]?.name).toBe('local');
  expect(first[0]?.token.length).toBeGreaterThanOrEqual(32);
  const file = adminTokenFile({ dataDir });
  expect(readFileSync(file, 'utf8').trim()).toBe(first[0]?.token);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(operatorTokens({ adminTokens: [], dataDir }, log, {})).toEqual(first);
});

test('configured tokens are used as they are', () => {
  const tokens = [{ name: 'ops', token: 'x'.repeat(20) }];
  expect(operatorTokens({ adminTokens: tokens, dataDir: dir() }, log, {})).toBe(tokens);
});

test('with DATABASE_URL or in production no token is made up: the API stays off', () => {
  expect(operatorTokens({ adminTokens: [], dataDir: dir(), databaseUrl: 'postgres://x/y' }, log, {})).toEqual(
    [],
  );
  expect(operatorTokens({ adminTokens: [], dataDir: dir() }, log, { NODE_ENV: 'production' })).toEqual([]);
});
