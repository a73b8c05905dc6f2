// The main menu and the navigation every screen shares (direct dial, Back, Home, refused entries, expiry,
// resume), on the fast phone: the real engine and menus, fake services, no database. What the HTTP adapter,
// Redis and the logs must (not) hold stays in tests/engine/hops.test.ts and tests/webhooks.
import { keys } from '../../src/engine/session-store';
import { TestUssdService, testPhone, type TestPhone } from '../support/test-phone';

const MAIN = 'Welcome to CP2 Exam Council';
const LANGUAGE = 'Choose language/Chagua lugha';
const PROFILE = 'My profile:';
const PASSWORD_PROMPT = 'Enter your CP2 password:';
const CONFIRM_ACCOUNT = 'Create a CP2 account for';
const INVALID = 'Invalid choice. Enter a number below.';
const EXPIRED = 'Session expired, please dial *384*22262# again.';
const RESUME = 'You did not finish last time.\n1. Continue where you left off\n2. Start again';
const PASSWORD = '482913';

/** A phone whose number has an account (password `482913`). */
function holder(): TestPhone {
  const phone = testPhone();
  phone.world.addAccount(phone.number, PASSWORD);
  return phone;
}

describe('the main menu', () => {
  test('a caller without an account sees Create account, Language and Help', async () => {
    await testPhone()
      .dial()
      .expectCon()
      .expectScreen('Welcome to CP2 Exam Council\n1. Create account\n2. Language/Lugha\n3. Help');
  });

  test('an account holder sees the account actions, Language and Help, on one screen without Back or Home', async () => {
    await holder()
      .dial()
      .expectScreen(
        'Welcome to CP2 Exam Council\n1. My profile\n2. Apply for a job\n3. My applications\n4. My duties and pay\n5. Change password\n6. Language/Lugha\n7. Help',
      );
  });

  test('the chosen language is said on the main menu and remembered for the phone in the next session', async () => {
    const phone = testPhone();
    await phone
      .dial()
      .press('Language')
      .press('Kiswahili')
      .expectFirstLine('Lugha imewekwa kuwa Kiswahili.')
      .expectSee('Fungua akaunti');
    expect(phone.world.languages.get(phone.number)).toBe('sw');
    await phone.dial().expectSee('Karibu CP2 - Baraza la Mitihani').expectSee('Fungua akaunti');
  });

  test('Help gives the USSD code and the SMS short code, and leads back', async () => {
    await testPhone()
      .dial()
      .press('Help')
      // Not a dead end: Back and Home lead on.
      .expectCon()
      .expectSee(/\n0 Back 00 Home$/)
      .expectSee('*384*22262#')
      .expectSee('22262')
      .back()
      .expectFirstLine(MAIN);
  });
});

describe('direct dial', () => {
  test("an account holder's '6' on the first hop lands on the language screen; Back leads to the main menu", async () => {
    await holder()
      .dial('6')
      .expectCon()
      .expectSee(LANGUAGE)
      .expectSee('2. Kiswahili')
      .expectSee('0 Back 00 Home')
      .back()
      .expectFirstLine(MAIN)
      .expectSee('6. Language/Lugha');
  });

  test("'<Language>*2' sets Kiswahili in one dial, and the next dial is in Kiswahili", async () => {
    const phone = testPhone();
    await phone.dial();
    const language = phone.options.find((o) => o.label === 'Language/Lugha')?.number as string;
    await phone
      .dial(language, '2')
      .expectCon()
      .expectFirstLine('Lugha imewekwa kuwa Kiswahili.')
      .expectSee('Karibu CP2 - Baraza la Mitihani')
      .dial()
      .expectFirstLine('Karibu CP2 - Baraza la Mitihani');
  });

  test('an invalid direct-dial entry stops there and says why', async () => {
    await testPhone().dial('9', '1').expectCon().expectFirstLine(INVALID).expectSee(MAIN);
  });

  // An unseen session whose text is not a short dial string (digits and '*', at most 6 entries) is far
  // more likely a session the store lost than a direct dial: it is not replayed.
  test.each([
    ['more direct-dial entries than the engine takes', ['1', '1', '1', '1', '1', '1', '1']],
    ['free text', ['1', 'John Kamau']],
  ])('a first hop with %s ends politely with "Session expired"', async (_name, parts) => {
    await testPhone()
      .dial(...parts)
      .expectEnd(EXPIRED);
  });
});

describe('an expired session', () => {
  test('a hop whose session is gone from the store ends with "Session expired", not a replay', async () => {
    const phone = testPhone();
    await phone.dial().press('Language');
    await phone.service.store.write([{ key: keys.session(phone.sessionId), delete: true }]);
    // The digits must not be replayed as a direct dial of a new session.
    await phone.type('2').expectEnd().expectScreen(EXPIRED);
  });

  test('free text on a session that is gone also ends with "Session expired"', async () => {
    const phone = testPhone();
    await phone.dial();
    await phone.service.store.write([{ key: keys.session(phone.sessionId), delete: true }]);
    await phone.type('hello').expectEnd().expectScreen(EXPIRED);
  });

  test('a hop 9 s after the last one still works; the time restarts at every hop', async () => {
    const phone = testPhone({ env: { SESSION_TTL_SECONDS: '10' } });
    await phone.dial();
    phone.service.advance(9_000);
    await phone.press('Language').expectSee(LANGUAGE);
    phone.service.advance(9_000);
    await phone.back().expectFirstLine(MAIN);
  });

  test('a hop 11 s after the last one ends with "Session expired"', async () => {
    const phone = testPhone({ env: { SESSION_TTL_SECONDS: '10' } });
    await phone.dial().press('Language');
    phone.service.advance(11_000);
    await phone.type('1').expectEnd().expectScreen(EXPIRED);
  });
});

describe('Back and Home from every depth', () => {
  /** Each depth: how to get there from a fresh dial, and what it shows. */
  const depths: [string, () => TestPhone, string][] = [
    ['the language screen', () => testPhone().dial().press('Language'), LANGUAGE],
    [
      'the create-account confirmation (another journey)',
      () => testPhone().dial().press('Create account'),
      CONFIRM_ACCOUNT,
    ],
    ['the password prompt (a secret input)', () => holder().dial().press('My profile'), PASSWORD_PROMPT],
    [
      'an account screen, after logging in',
      () => holder().dial().press('My profile').type(PASSWORD),
      PROFILE,
    ],
  ];

  test.each(depths)('0 on %s goes back to the main menu', async (_name, reach, expected) => {
    await reach().expectSee(expected).expectSee('0 Back 00 Home').back().expectCon().expectFirstLine(MAIN);
  });

  test.each(depths)('00 on %s goes home to the main menu', async (_name, reach, expected) => {
    await reach().expectSee(expected).home().expectCon().expectFirstLine(MAIN);
  });

  test('Back twice from the language screen: the main menu again, not "Invalid choice"', async () => {
    await testPhone().dial().press('Language').back().back().expectCon().expectFirstLine(MAIN);
  });

  test('the main menu offers neither Back nor Home, but 0 and 00 there show it again', async () => {
    const phone = testPhone();
    const main = await phone.dial().expectNotSee(/0 Back|00 Home/);
    for (const key of ['00', '0', '00']) await phone.type(key).expectCon().expectScreen(main.text);
    // Not counted as refused entries: three more invalid choices are needed to end the session.
    await phone.type('9', '9').expectCon();
  });

  test('Back and Home keep the login of this session: no second password', async () => {
    await holder()
      .dial()
      .press('My profile')
      .type(PASSWORD)
      .back()
      .press('My profile')
      .expectSee(PROFILE)
      .home()
      .press('My profile')
      .expectSee(PROFILE);
  });

  test('Home keeps the language chosen on the way', async () => {
    await testPhone()
      .dial()
      .press('Language')
      .press('Kiswahili') // the main menu, in Kiswahili
      .press('Lugha') // the language screen again
      .home()
      .expectFirstLine('Karibu CP2 - Baraza la Mitihani');
  });
});

describe('refused entries', () => {
  test('three in a row end the session with where to get help; the session stays over', async () => {
    await testPhone()
      .dial()
      .type('9')
      .expectCon()
      .expectFirstLine(INVALID)
      .expectSee(MAIN)
      .type('x')
      .expectCon()
      .type('')
      .expectEnd()
      .expectScreen('Too many invalid entries. Dial *384*22262# to try again or SMS HELP to 22262.')
      // A further hop gets the same END, not a menu.
      .type('1')
      .expectEnd()
      .expectScreen('Too many invalid entries. Dial *384*22262# to try again or SMS HELP to 22262.');
  });

  test('a good input in between resets the count', async () => {
    await testPhone()
      .dial()
      .type('9', '9')
      .press('Language')
      .expectSee(LANGUAGE)
      .type('7', '7')
      .expectCon()
      .expectFirstLine(INVALID)
      .expectSee(LANGUAGE)
      .type('7')
      .expectEnd();
  });

  test('Back counts as a good input too', async () => {
    await testPhone().dial().press('Language').type('9', '9', '0', '9', '9').expectCon().expectSee(MAIN);
  });
});

describe('resume', () => {
  test('a dropped journey is offered again; 1 restores the screen, with Back still working', async () => {
    await testPhone()
      .dial()
      .press('Language') // then the call drops
      .dial()
      .expectCon()
      .expectScreen(RESUME)
      .press('Continue where you left off')
      .expectSee(LANGUAGE)
      .expectSee('0 Back 00 Home')
      .back()
      .expectFirstLine(MAIN);
  });

  test('2 starts again on the main menu, and the offer is not made again', async () => {
    await testPhone()
      .dial()
      .press('Language')
      .dial()
      .type('2')
      .expectFirstLine(MAIN)
      .dial()
      .expectFirstLine(MAIN);
  });

  test('an unanswered offer is made again on the next dial', async () => {
    await testPhone()
      .dial()
      .press('Language')
      .dial() // the offer, not answered
      .dial()
      .expectScreen(RESUME)
      .type('1')
      .expectSee(LANGUAGE);
  });

  test('no offer after the session ended (END), even from a screen worth resuming', async () => {
    await testPhone()
      .dial()
      .press('Language') // worth resuming
      .type('9', '9', '9') // too many errors: END
      .expectEnd()
      .dial()
      .expectFirstLine(MAIN);
  });

  test('Help answers without ending the session, and a call dropped there is not offered for resume', async () => {
    await testPhone()
      .dial()
      .press('Language')
      .back()
      .press('Help')
      .expectCon()
      .expectSee(/0 Back 00 Home$/)
      .back()
      .expectFirstLine(MAIN)
      .press('Help')
      .dial()
      .expectFirstLine(MAIN);
  });

  test('another phone is never offered my journey', async () => {
    const service = new TestUssdService();
    await service.phone().dial().press('Language');
    await service.phone().dial().expectFirstLine(MAIN);
  });

  test('a logged-in journey resumed in a new session asks for the password again, naming the task', async () => {
    await holder()
      .dial()
      .press('My profile')
      .type(PASSWORD)
      .expectSee(PROFILE) // logged in, then the call drops
      .dial()
      .expectFirstLine('You did not finish looking at your profile last time.')
      .press('Continue where you left off')
      .expectSee(PASSWORD_PROMPT)
      .type(PASSWORD)
      .expectSee(PROFILE);
  });
});
