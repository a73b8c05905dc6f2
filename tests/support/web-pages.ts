// Headless Chromium for the browser tests and `npm run screenshots`: Debian's `chromium` package driven by
// playwright-core (no browser download); CHROMIUM_PATH names another binary. The web phone and the
// console driven as a user would (wait for text, never for time). No jest globals here: the screenshots
// script uses it too (tests/support/browser.ts has the suites' describe).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { passwordIn } from './sms';

export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error("No Chromium: install Debian's chromium package or set CHROMIUM_PATH (CI=true needs it)");
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export const PHONE_SIZE = { width: 360, height: 740 };
export const DESKTOP_SIZE = { width: 1280, height: 800 };

/** The web phone at `url`, acting as `msisdn`. */
export class WebPhone {
  constructor(
    readonly page: Page,
    readonly msisdn: string,
  ) {}

  static async open(page: Page, baseUrl: string, msisdn: string): Promise<WebPhone> {
    await page.goto(`${baseUrl}/phone`);
    await page.locator('#call:not([disabled])').waitFor();
    await page.fill('#msisdn', msisdn);
    await page.locator('#msisdn').dispatchEvent('change');
    return new WebPhone(page, msisdn);
  }

  async call(dialled?: string): Promise<void> {
    if (dialled) await this.page.fill('#dial', dialled);
    await this.page.click('#call');
    await this.page.locator('#screen-kind', { hasText: /^(CON|END)$/ }).waitFor();
  }

  /** Waits until the screen shows `text`. */
  async sees(text: string | RegExp): Promise<string> {
    await this.page.locator('#screen', { hasText: text }).waitFor();
    return (await this.page.textContent('#screen')) ?? '';
  }

  /** Waits for the option, then answers with its number, as a user reading the screen would. */
  async choose(label: string): Promise<void> {
    const screen = await this.sees(label);
    const line = screen.split('\n').find((l) => new RegExp(`^\\d+\\. ${escape(label)}`).test(l));
    if (!line) throw new Error(`no option "${label}" on the screen:\n${screen}`);
    await this.send(line.split('.')[0] as string);
  }

  /** Types the answer on the keyboard and sends it (Enter). */
  async send(answer: string): Promise<void> {
    await this.page.locator('#reply:not([disabled])').waitFor();
    await this.page.fill('#reply', answer);
    await this.page.press('#reply', 'Enter');
  }

  /** Waits for an SMS in the inbox holding `text`; returns its text. */
  async receives(text: string | RegExp): Promise<string> {
    const sms = this.page.locator('#inbox li .body', { hasText: text }).first();
    await sms.waitFor();
    return (await sms.textContent()) ?? '';
  }

  /** Create account → Confirm; the password from the SMS that arrives in the inbox. */
  async createAccount(): Promise<string> {
    await this.call();
    await this.choose('Create account');
    await this.choose('Confirm');
    await this.sees('Your account is ready');
    return passwordIn(await this.receives(/Password|password/));
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The console at `baseUrl`, signed in with `token`. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.fill('#token', token);
  await page.press('#token', 'Enter');
  await page.locator('#nav:not(.hidden)').waitFor();
}
