// The data key of test apps (every instance on one database must share it) and its cipher, for tests
// that write or read rows directly. Not a secret. Kept apart from test-app.ts, which needs jest's globals,
// so that the benchmark's data set (scripts/bench) may use the profile helpers too.
import { FieldCipher } from '../../src/domain/personal-data/field-cipher';

export const TEST_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

export const TEST_CIPHER = new FieldCipher({ current: Buffer.alloc(32, 7), previous: [] });
