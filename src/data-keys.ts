// The data keys the identity fields are encrypted with: DATA_KEY (and DATA_KEY_PREVIOUS while rotating)
// from the environment, or, on a machine of one's own (not production: config refuses that), a key the
// service generates once and keeps in DATA_DIR/data-key, saying so. Losing that file loses the encrypted
// fields, which is why production must manage its key (docs/privacy.md).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import { FieldCipher, newDataKey, parseDataKey } from './domain/personal-data/field-cipher';

export function dataKeyFile(config: Pick<Config, 'dataDir'>): string {
  return path.resolve(config.dataDir, 'data-key');
}

export function openFieldCipher(
  config: Pick<Config, 'dataKey' | 'dataKeysPrevious' | 'dataDir'>,
  log: Logger,
): FieldCipher {
  if (config.dataKey) {
    log.info(
      { previousKeys: config.dataKeysPrevious.length },
      'personal data: encrypted with DATA_KEY' + (config.dataKeysPrevious.length ? ' (rotating)' : ''),
    );
    return new FieldCipher({ current: config.dataKey, previous: config.dataKeysPrevious });
  }
  const file = dataKeyFile(config);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${newDataKey()}\n`, { mode: 0o600, flag: 'wx' });
    log.warn(
      { file },
      'personal data: no DATA_KEY, generated a data key and kept it in this file (back it up)',
    );
  } else {
    log.info({ file }, 'personal data: no DATA_KEY, using the data key kept in this file');
  }
  chmodSync(file, 0o600);
  const key = parseDataKey(readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a data key (32 bytes, base64 or hex)`);
  return new FieldCipher({ current: key, previous: config.dataKeysPrevious });
}
