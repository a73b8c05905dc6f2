// The engine's hop logic through real HTTP, as Africa's Talking drives it: direct dial, duplicate and
// concurrent hops, free text with '*', expiry, pagination, Back/Home, bad inputs, resume, and what is kept.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemorySessionStore } from '../../src/engine/memory-session-store';
import { keys, type SessionStore } from '../../src/engine/session-store';
import { describeWithRedis, redisAvailable, startTestApp, type TestApp } from '../support/test-app';
import { passwordIn, waitForSms } from '../support/sms';
import { UssdPhone, expectFits, randomPhone, type Screen } from '../support/ussd-phone';
import { COUNTIES, TestServices, createTestMachine, startMachineApp, type MachineApp } from './machine-app';

const MAIN = 'Welcome to CP2 Exam Council';
const LANGUAGE = 'Choose language/Chagua lugha';
/** An account screen (behind the login) with Back and Home. */
const SOON = 'My profile:';
const PASSWORD_PROMPT = 'Enter your CP2 password:';
const CONFIRM_ACCOUNT = 'Create a CP2 account for';
const INVALID = 'Invalid choice. Enter a number below.';
const EXPIRED = 'Session expired, please dial *384*22262# again.';
const RESUME = 'You did not finish last time.\n1. Continue where you left off\n2. Start again';

async function deleteSession(store: SessionStore, sessionId: string): Promise<void> {
  await store.write([{ key: keys.session(sessionId), delete: true }]);
}

const firstLine = (s: Screen) => s.text.split('\n')[0];

describe('the main menu over HTTP', () => {
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

  /** An account holder logged in on an account screen (My profile). */
  async function onComingSoon(): Promise<{ phone: UssdPhone; password: string }> {
    const holder = await accountHolder();
    await holder.phone.dial();
    expect((await holder.phone.choose('My profile')).text).toContain(PASSWORD_PROMPT);
    const soon = await holder.phone.send(holder.password);
    expect(soon.text).toContain(SOON);
    return holder;
  }

  describe('direct dial', () => {
    test("an account holder's '6' on the first hop lands on the language screen; Back leads to the main menu", async () => {
      const { phone } = await accountHolder();
      const s = await phone.dial('6');
      expect(s).toMatchObject({ status: 200, kind: 'CON' });
      expect(s.text).toContain(LANGUAGE);
      expect(s.text).toContain('2. Kiswahili');
      expect(s.text).toContain('0 Back 00 Home');
      expectFits(s);
      const back = await phone.send('0');
      expect(back.text.startsWith(MAIN)).toBe(true);
      expect(back.text).toContain('6. Language/Lugha');
    });

    test("'<Language>*2' sets Kiswahili in one dial, and the next dial is in Kiswahili", async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      const language = phone.optionFor('Language');
      const s = await phone.dial(language, '2');
      expect(s.kind).toBe('CON');
      expect(firstLine(s)).toBe('Lugha imewekwa kuwa Kiswahili.');
      expect(s.text).toContain('Karibu CP2 - Baraza la Mitihani');
      expectFits(s);
      const next = await phone.dial();
      expect(next.text.startsWith('Karibu CP2 - Baraza la Mitihani')).toBe(true);
    });

    test('an invalid direct-dial entry stops there and says why', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      const s = await phone.dial('9', '1');
      expect(s.kind).toBe('CON');
      expect(firstLine(s)).toBe(INVALID);
      expect(s.text).toContain(MAIN);
    });
  });

  // An unseen session whose text is not a short dial string (digits and '*', at most 6 entries) is far
  // more likely a session the store lost than a direct dial: it is not replayed.
  test.each([
    ['more direct-dial entries than the engine takes', ['1', '1', '1', '1', '1', '1', '1']],
    ['free text', ['1', 'John Kamau']],
  ])('a first hop with %s ends politely with "Session expired"', async (_name, parts) => {
    const phone = new UssdPhone(app.url, randomPhone());
    const s = await phone.dial(...parts);
    expect(s.kind).toBe('END');
    expect(s.text).toContain('Session expired, please dial *384*22262# again.');
  });

  describe('an expired session', () => {
    test('a hop whose session is gone from the store ends with "Session expired"', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await deleteSession(app.store, phone.sessionId);
      // The digits must not be replayed as a direct dial of a new session.
      const s = await phone.send('2');
      expect(s).toEqual({ status: 200, kind: 'END', text: EXPIRED });
    });

    test('free text on a session that is gone also ends with "Session expired"', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await deleteSession(app.store, phone.sessionId);
      const s = await phone.send('hello');
      expect(s).toEqual({ status: 200, kind: 'END', text: EXPIRED });
    });
  });

  describe('Back and Home from every depth', () => {
    /** Each depth: how to get there from a fresh dial, and what it shows. */
    const depths: [string, () => Promise<UssdPhone>, string][] = [
      [
        'the language screen',
        async () => {
          const phone = new UssdPhone(app.url, randomPhone());
          await phone.dial();
          await phone.choose('Language');
          return phone;
        },
        LANGUAGE,
      ],
      [
        'the create-account confirmation (another journey)',
        async () => {
          const phone = new UssdPhone(app.url, randomPhone());
          await phone.dial();
          await phone.choose('Create account');
          return phone;
        },
        CONFIRM_ACCOUNT,
      ],
      [
        'the password prompt (a secret input)',
        async () => {
          const { phone } = await accountHolder();
          await phone.dial();
          await phone.choose('My profile');
          return phone;
        },
        PASSWORD_PROMPT,
      ],
      ['an account screen, after logging in', async () => (await onComingSoon()).phone, SOON],
    ];

    test.each(depths)('0 on %s goes back to the main menu', async (_name, reach, expected) => {
      const phone = await reach();
      expect(phone.last.text).toContain(expected);
      expect(phone.last.text).toContain('0 Back 00 Home');
      const back = await phone.send('0');
      expect(back.kind).toBe('CON');
      expect(back.text.startsWith(MAIN)).toBe(true);
    });

    test.each(depths)('00 on %s goes home to the main menu', async (_name, reach, expected) => {
      const phone = await reach();
      expect(phone.last.text).toContain(expected);
      const home = await phone.send('00');
      expect(home.kind).toBe('CON');
      expect(home.text.startsWith(MAIN)).toBe(true);
    });

    test('Back twice from the language screen: the main menu again, not "Invalid choice"', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await phone.send('0');
      const again = await phone.send('0');
      expect(again.kind).toBe('CON');
      expect(firstLine(again)).toBe(MAIN);
    });

    test('the main menu offers neither Back nor Home, but 0 and 00 there show it again', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      const main = await phone.dial();
      expect(main.text).not.toMatch(/0 Back|00 Home/);
      for (const key of ['00', '0', '00']) {
        const s = await phone.send(key);
        expect({ key, kind: s.kind, text: s.text }).toEqual({ key, kind: 'CON', text: main.text });
      }
      // Not counted as refused entries: three more invalid choices are needed to end the session.
      await phone.send('9');
      expect((await phone.send('9')).kind).toBe('CON');
    });

    test('Back and Home keep the login of this session: no second password', async () => {
      const { phone } = await onComingSoon();
      await phone.send('0');
      expect((await phone.choose('My profile')).text).toContain(SOON);
      await phone.send('00');
      expect((await phone.choose('My profile')).text).toContain(SOON);
    });

    test('Home keeps the language chosen on the way', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await phone.choose('Kiswahili'); // the main menu, in Kiswahili
      await phone.choose('Lugha'); // the language screen again
      const home = await phone.send('00');
      expect(home.text.startsWith('Karibu CP2 - Baraza la Mitihani')).toBe(true);
    });
  });

  describe('bad inputs', () => {
    test('three in a row end the session with where to get help', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      const first = await phone.send('9');
      expect(first.kind).toBe('CON');
      expect(firstLine(first)).toBe(INVALID);
      expect(first.text).toContain(MAIN);
      const second = await phone.send('x');
      expect(second.kind).toBe('CON');
      const third = await phone.send('');
      expect(third.kind).toBe('END');
      expect(third.text).toBe(
        'Too many invalid entries. Dial *384*22262# to try again or SMS HELP to 22262.',
      );
      // The session is over: a further hop gets the same END, not a menu.
      const after = await phone.send('1');
      expect(after).toMatchObject({ kind: 'END', text: third.text });
    });

    test('a good input in between resets the count', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.sendAll('9', '9');
      const good = await phone.choose('Language');
      expect(good.text).toContain(LANGUAGE);
      await phone.sendAll('7', '7');
      expect(phone.last.kind).toBe('CON');
      expect(firstLine(phone.last)).toBe(INVALID);
      expect(phone.last.text).toContain(LANGUAGE);
      const third = await phone.send('7');
      expect(third.kind).toBe('END');
    });

    test('Back counts as a good input too', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await phone.sendAll('9', '9', '0', '9', '9');
      expect(phone.last.kind).toBe('CON');
      expect(phone.last.text).toContain(MAIN);
    });
  });

  describe('resume', () => {
    test('a dropped journey is offered again; 1 restores the screen, with Back still working', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language'); // then the call drops
      const offer = await phone.dial();
      expect(offer.kind).toBe('CON');
      expect(offer.text).toBe(RESUME);
      expectFits(offer);
      const resumed = await phone.send('1');
      expect(resumed.text).toContain(LANGUAGE);
      expect(resumed.text).toContain('0 Back 00 Home');
      const back = await phone.send('0');
      expect(back.text.startsWith(MAIN)).toBe(true);
    });

    test('2 starts again on the main menu, and the offer is not made again', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await phone.dial();
      const restart = await phone.send('2');
      expect(restart.text.startsWith(MAIN)).toBe(true);
      const next = await phone.dial();
      expect(next.text.startsWith(MAIN)).toBe(true);
    });

    test('an unanswered offer is made again on the next dial', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await phone.dial(); // the offer, not answered
      const again = await phone.dial();
      expect(again.text).toBe(RESUME);
      const resumed = await phone.send('1');
      expect(resumed.text).toContain(LANGUAGE);
    });

    test('no offer after the session ended (END), even from a screen worth resuming', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language'); // worth resuming
      const end = await phone.sendAll('9', '9', '9'); // too many errors: END
      expect(end.kind).toBe('END');
      const next = await phone.dial();
      expect(next.text.startsWith(MAIN)).toBe(true);
    });

    test('Help answers without ending the session, and a call dropped there is not offered for resume', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.choose('Language');
      await phone.send('0');
      const help = await phone.choose('Help');
      expect(help.kind).toBe('CON');
      expect(help.text).toMatch(/0 Back 00 Home$/);
      expect(firstLine(await phone.send('0'))).toBe(MAIN);
      await phone.choose('Help');
      const next = await phone.dial();
      expect(next.text.startsWith(MAIN)).toBe(true);
    });

    test('another phone is never offered my journey', async () => {
      const mine = new UssdPhone(app.url, randomPhone());
      await mine.dial();
      await mine.choose('Language');
      const other = await new UssdPhone(app.url, randomPhone()).dial();
      expect(other.text.startsWith(MAIN)).toBe(true);
    });

    test('a new session never shows an account screen without the password, resumed or not', async () => {
      const { phone } = await onComingSoon(); // logged in, then the call drops
      const next = await phone.dial();
      if (next.text.startsWith('You did not finish')) {
        // The prompt names what was left unfinished.
        expect(firstLine(next)).toBe('You did not finish looking at your profile last time.');
        const resumed = await phone.send('1');
        expect(resumed.text).toContain(PASSWORD_PROMPT);
      } else {
        expect(next.text.startsWith(MAIN)).toBe(true);
      }
    });
  });

  describe('a password typed at a secret input', () => {
    test('never reaches the stored session, the resume record nor the logs', async () => {
      const { phone, password } = await accountHolder();
      await phone.dial();
      await phone.choose('My profile');
      const s = await phone.send(password);
      expect(s.text).toContain(SOON); // it did reach the login
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
      expect((await phone.send(password)).text).toContain(SOON);
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
});

describe('session expiry on the in-process store (clock injected)', () => {
  let now = Date.now();
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      store: new MemorySessionStore(() => now),
      env: { SESSION_TTL_SECONDS: '10' },
    });
  });
  afterAll(() => app.close());

  test('a hop 9 s after the last one still works', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    now += 9_000;
    const s = await phone.choose('Language');
    expect(s.text).toContain(LANGUAGE);
    now += 9_000; // the TTL restarts at every hop
    expect((await phone.send('0')).text.startsWith(MAIN)).toBe(true);
  });

  test('a hop 11 s after the last one ends with "Session expired"', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dial();
    await phone.choose('Language');
    now += 11_000;
    const s = await phone.send('1');
    expect(s).toEqual({ status: 200, kind: 'END', text: EXPIRED });
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
