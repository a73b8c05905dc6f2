// The browser suites' describe: without Chromium (CHROMIUM_PATH or /usr/bin/chromium) they are skipped
// and say so, except under CI=true, where they run and fail: CI must run them (.ci/run installs Debian's
// chromium package).
import { chromiumPath } from './web-pages';

export * from './web-pages';

const missing = !chromiumPath() && process.env.CI !== 'true';

/** `describe` for browser suites: skipped (and said so) without Chromium, unless CI=true. */
export const describeWithBrowser: jest.Describe = missing
  ? (Object.assign(
      (name: string) =>
        describe.skip(`${name} [SKIPPED: no Chromium at CHROMIUM_PATH or /usr/bin/chromium]`, () =>
          undefined),
      describe,
    ) as jest.Describe)
  : describe;
