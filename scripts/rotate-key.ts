// Re-encrypts the identity fields under the current data key, while the service runs:
//
//   1. generate a key: `openssl rand -base64 32`
//   2. restart every instance with DATA_KEY=<new key> and DATA_KEY_PREVIOUS=<old key> (they encrypt new
//      values with the new key and still read the old ones)
//   3. `npm run rotate-key` (same environment): rewrites every value the old key wrote, in batches
//   4. when it reports nothing left, remove DATA_KEY_PREVIOUS and restart
//
// Batches are short transactions in id order (docs/privacy.md), so hops go on while it runs.
import { readConfigOrExit } from '../src/config';
import { openFieldCipher } from '../src/data-keys';
import { migrateLatest } from '../src/db/migrate';
import { encryptAll, pendingCount } from '../src/domain/personal-data/at-rest';
import { createLogger } from '../src/logger';
import { openScriptDatabase } from './script-database';

async function main(): Promise<void> {
  const config = readConfigOrExit('script');
  const cipher = openFieldCipher(config, createLogger('info'));
  const { db, close } = await openScriptDatabase(config);
  try {
    await migrateLatest(db);
    const before = await pendingCount(db, cipher);
    console.log(
      `under another key or in plain text: ${before.profiles} profile(s), ${before.deployments} deployment(s)`,
    );
    const started = Date.now();
    const done = await encryptAll(db, cipher, 500);
    const after = await pendingCount(db, cipher);
    console.log(
      `re-encrypted under key ${cipher.keyId}: ${done.profiles} profile(s), ${done.deployments} deployment(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (after.profiles + after.deployments === 0) {
      console.log('nothing is left under an older key: DATA_KEY_PREVIOUS can be removed');
    } else {
      // Written by an instance still on the old key during the pass: run again once all are restarted.
      console.log(
        `still under an older key: ${after.profiles} profile(s), ${after.deployments} deployment(s)`,
      );
      process.exitCode = 1;
    }
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error('key rotation failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
