// The engine's hop logic through real HTTP, as Africa's Talking drives it: duplicate and concurrent hops,
// free text with '*', pagination and secrets on a small test machine over both session stores, and what
// the whole service keeps of a password. The same navigation on the real menus (direct dial, Back, Home,
// refused entries, expiry, resume) runs on the fast phone: tests/screens/main-menu.test.ts.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { keys } from '../../src/engine/session-store';
import { describeWithRedis, redisAvailable, startTestApp, type TestApp } from '../support/test-app';
import { passwordIn, waitForSms } from '../support/sms';
import { UssdPhone, expectFits, randomPhone, type Screen } from '../support/ussd-phone';
import { COUNTIES, TestServices, createTestMachine, startMachineApp, type MachineApp } from './machine-app';

/** The account screen the login leads to (My profile). */
const PROFILE = 'My profile:';
const INVALID = 'Invalid choice. Enter a number below.';

const firstLine = (s: Screen) => s.text.split('\n')[0];

// Navigation, direct dial, refused entries, expiry and resume on the real menus are screen-level: they run
// on the fast phone in tests/screens/main-menu.test.ts. Here, what needs the whole service: a password
// typed over HTTP never reaches the session store (Redis when available), the resume record nor the logs.
describe('a password typed at a secret input, over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** A phone with an account, and its password (from the credentials SMS). */
  async function accountHolder(): Promise<{ phone: UssdPhone; password: string }> {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    await phone.choose('Create account');
    expect((await phone.choose('Confirm')).kind).toBe('END');
    const [sms] = await waitForSms(app.url, phone.phoneNumber);
    return { phone, password: passwordIn(sms?.text ?? '') };
  }

  test('never reaches the stored session, the resume record nor the logs', async () => {
    const { phone, password } = await accountHolder();
    await phone.dial();
    await phone.choose('My profile');
    const s = await phone.send(password);
    expect(s.text).toContain(PROFILE); // it did reach the login
    const rawText = phone.text; // '1*<password>'
    // A duplicate of that hop, and one more hop, keep it out too.
    await phone.hop(rawText);
    await phone.send('0');
    const stored = [
      await app.store.get(keys.session(phone.sessionId)),
      await app.store.get(keys.resume(phone.phoneNumber)),
    ];
    expect(stored[0]).toBeTruthy(); // we are reading where the session really is
    for (const json of stored) {
      expect(json ?? '').not.toContain(password);
      expect(json ?? '').not.toContain(rawText);
    }
    const logs = app.logs.join('');
    expect(logs).toContain('ussd hop'); // the logs are really captured
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(rawText);
  });

  test('the stored session holds no unkeyed hash of the text that carried it (6 digits are guessed in ms)', async () => {
    const { phone, password } = await accountHolder();
    await phone.dial();
    await phone.choose('My profile');
    expect((await phone.send(password)).text).toContain(PROFILE);
    const json = (await app.store.get(keys.session(phone.sessionId))) ?? '';
    expect(json).not.toBe('');
    const sha = createHash('sha256').update(phone.text).digest();
    for (const encoded of [
      sha.toString('base64url').slice(0, 22),
      sha.toString('hex').slice(0, 16),
      sha.toString('base64').slice(0, 16),
      sha.toString('base64url').slice(0, 16),
    ]) {
      expect(json).not.toContain(encoded);
    }
  });
});

/** The engine features the main menu does not use yet, on a small test machine. */
function machineSuite(storeKind: 'memory' | 'redis') {
  const services = new TestServices();
  let app: MachineApp;
  beforeAll(async () => {
    app = await startMachineApp({ machine: createTestMachine(services), store: storeKind });
  });
  afterAll(() => app.close());

  describe('a repeated hop', () => {
    test('returns the identical screen and does not advance', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      const first = await phone.send('1');
      expect(first.text).toContain('Counted 1');
      const again = await phone.hop(phone.text);
      expect(again).toEqual(first);
      expect(services.counts.get(phone.phoneNumber)).toBe(1);
      const next = await phone.send('1');
      expect(next.text).toContain('Counted 2');
    });

    test('of the opening dial returns the same first screen', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      const first = await phone.dial();
      expect(await phone.hop('')).toEqual(first);
    });
  });

  test('10 concurrent copies of the same hop advance the machine exactly once', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    const answers = await Promise.all(Array.from({ length: 10 }, () => phone.hop('1')));
    expect(services.counts.get(phone.phoneNumber)).toBe(1);
    for (const a of answers) expect(a).toEqual({ status: 200, kind: 'CON', text: answers[0]?.text });
    expect(answers[0]?.text).toContain('Counted 1');
    phone.inputs.push('1');
    expect((await phone.send('1')).text).toContain('Counted 2');
  });

  test("'*' typed inside free text reaches the machine intact, and the session goes on", async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    const prompt = await phone.send('2');
    expect(prompt.text).toContain('Enter your address');
    const s = await phone.send('P.O. Box 12*Kisumu*Kenya');
    expect(s.kind).toBe('CON');
    expect(s.text).toContain('You typed: P.O. Box 12*Kisumu*Kenya');
    const back = await phone.send('0');
    expect(back.text).toContain('Enter your address');
  });

  test('an empty entry at a free-text prompt is refused with the reason, not taken', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    await phone.send('2');
    const s = await phone.send('');
    expect(s.kind).toBe('CON');
    expect(s.text.split('\n')[0]).toBe('Enter 1 to 60 characters.');
    expect(s.text).toContain('Enter your address');
  });

  describe('pagination of a 47-county list', () => {
    async function toCounties(): Promise<UssdPhone> {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      const first = await phone.send('4');
      expect(first.text.startsWith('Choose county\n1. Mombasa')).toBe(true);
      return phone;
    }

    async function toLastPage(phone: UssdPhone): Promise<Screen[]> {
      const pages = [phone.last];
      while (phone.last.text.includes('98 More')) {
        pages.push(await phone.send('98'));
        expect(pages.length).toBeLessThan(20);
      }
      return pages;
    }

    test('98 walks every page once, every page fits, and 47 is on the last', async () => {
      const phone = await toCounties();
      const pages = await toLastPage(phone);
      expect(pages.length).toBeGreaterThan(2);
      for (const p of pages) expectFits(p);
      const numbered = pages.flatMap((p) => p.text.split('\n').filter((l) => /^\d+\. /.test(l)));
      expect(numbered).toEqual(COUNTIES.map((c, i) => `${i + 1}. ${c}`));
    });

    // A refused entry restarts the list at its first page with the reason on top: the reason then never
    // shifts the page boundaries the caller is walking (see docs/decisions/0002).
    test('98 on the last page is an invalid choice: the reason on top of the first page, whose options are choosable', async () => {
      const phone = await toCounties();
      const pages = await toLastPage(phone);
      expect(pages.at(-1)?.text).toContain('47. Nairobi');
      const s = await phone.send('98');
      expect(s.kind).toBe('CON');
      expect(firstLine(s)).toBe(INVALID);
      expect(s.text).toContain('1. Mombasa');
      expectFits(s);
      expect((await phone.send('1')).text).toContain('County: Mombasa');
    });

    test('after a refused entry, 98 walks the list from the reason page without skipping or repeating an option', async () => {
      const phone = await toCounties();
      await phone.send('98');
      const s = await phone.send('99');
      expect(firstLine(s)).toBe(INVALID);
      const pages = await toLastPage(phone);
      for (const p of pages) expectFits(p);
      const numbered = pages.flatMap((p) => p.text.split('\n').filter((l) => /^\d+\. /.test(l)));
      expect(numbered).toEqual(COUNTIES.map((c, i) => `${i + 1}. ${c}`));
    });

    test('0 on page 2 goes back to page 1, and 0 on page 1 goes back to the previous screen', async () => {
      const phone = await toCounties();
      const page1 = phone.last;
      const page2 = await phone.send('98');
      expect(page2.text).not.toEqual(page1.text);
      expect(page2.text).toContain('0 Back 00 Home');
      const backToPage1 = await phone.send('0');
      expect(backToPage1.text).toEqual(page1.text);
      const backHome = await phone.send('0');
      expect(backHome.text.startsWith('Test home')).toBe(true);
    });

    test('an option is chosen by its global number on the page that shows it, and refused on any other', async () => {
      const phone = await toCounties();
      expect(phone.last.text).not.toContain('47. Nairobi');
      const hidden = await phone.send('47');
      expect(firstLine(hidden)).toBe(INVALID);
      expect(hidden.text).toContain('Choose county');
      await phone.send('98');
      const third = await phone.send('98');
      expect(third.text).not.toContain('1. Mombasa');
      expect(firstLine(await phone.send('1'))).toBe(INVALID); // back on page 1, below the reason
      const shown = third.text.split('\n').find((l) => /^\d+\. /.test(l)) as string;
      const county = shown.slice(shown.indexOf(' ') + 1);
      expect((await phone.chooseOnAnyPage(county)).text).toContain(`County: ${county}`);
    });
  });

  describe('a secret typed at a `secret: true` input', () => {
    const secret = '93571846';

    test('reaches the machine but never the stored session nor the logs', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      expect((await phone.send('3')).text).toContain('Enter your PIN');
      const s = await phone.send(secret);
      expect(s.text).toContain('PIN accepted');
      expect(services.pins).toContain(secret);
      const rawText = phone.text; // '3*93571846'

      const stored = [
        await app.store.get(keys.session(phone.sessionId)),
        await app.store.get(keys.resume(phone.phoneNumber)),
      ];
      expect(stored[0]).toBeTruthy(); // we are reading where the session really is
      expect(stored[1]).toBeTruthy();
      for (const json of stored) {
        expect(json).not.toContain(secret);
        expect(json).not.toContain(rawText);
      }
      // A duplicate of the secret hop and a next hop keep it out too.
      await phone.hop(rawText);
      await phone.send('0');
      const logs = app.logs.join('');
      expect(logs).toContain('ussd hop'); // the logs are really captured
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(rawText);
      expect(await app.store.get(keys.session(phone.sessionId))).not.toContain(secret);

      if (storeKind === 'redis') {
        const redis = new Redis(process.env.REDIS_URL as string);
        try {
          const all = await redis.keys('ussd:*');
          const values = all.length ? await redis.mget(all) : [];
          for (const v of values) expect(v ?? '').not.toContain(secret);
        } finally {
          redis.disconnect();
        }
      }
    });
  });
}

describe('engine features on a test machine, in-process store', () => machineSuite('memory'));
describeWithRedis('engine features on a test machine, Redis store', () => machineSuite('redis'));

if (!redisAvailable) console.log('[tests/engine/hops] no Redis: the Redis store variant is SKIPPED');
