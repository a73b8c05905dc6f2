// The login and Change password screens on the fast phone: asked once a session, refusals one at a time,
// the count of attempts left (one and many), the lock's END, and resume through the login. The password
// hashing, the lockout kept in Postgres and the SMS that say so are in tests/journeys/accounts.test.ts
// and change-password.test.ts.
import { testPhone, type TestPhone } from '../support/test-phone';

const PASSWORD = '482913';
const NEW_PROMPT = 'Enter a new password of 6 to 12 digits:\n0 Back 00 Home';

function holder(): TestPhone {
  const phone = testPhone();
  phone.world.addAccount(phone.number, PASSWORD);
  return phone;
}

describe('the login', () => {
  test('asks once, says where to get a forgotten password, and counts down the attempts left (one and many)', async () => {
    await holder()
      .dial()
      .press('My profile')
      .expectScreen('Enter your CP2 password:\nForgot it? SMS PASSWORD to 22262.\n0 Back 00 Home')
      .type('111222')
      .expectFirstLine('Wrong password. 4 attempts left.')
      .type('111222', '111222')
      .expectFirstLine('Wrong password. 2 attempts left.')
      .type('111222')
      .expectFirstLine('Wrong password. 1 attempt left.')
      // Wrong passwords are counted by the lockout, not as refused entries: the session goes on.
      .expectCon()
      .type(PASSWORD)
      .expectSee('My profile:');
  });

  test('the fifth wrong password locks the account: said, with until when and the way out, and the session ends', async () => {
    const phone = holder();
    await phone
      .dial()
      .press('My profile')
      .type('111222', '111222', '111222', '111222', '111222')
      .expectEnd(
        /^Your account is locked after 5 wrong passwords\. Try again after \d\d\/\d\d\/\d{4} \d\d:\d\d, or SMS PASSWORD to 22262\.$/,
      );
    // The right one is refused while the lock lasts.
    await phone
      .dial()
      .press('My profile')
      .type(PASSWORD)
      .expectEnd(/^Your account is locked/);
  });

  test('a number without an account that reaches the login (a resumed session) is told how to create one', async () => {
    const phone = holder();
    await phone.dial().press('My profile');
    phone.world.accounts.length = 0;
    await phone
      .type(PASSWORD)
      .expectEnd()
      .expectScreen('There is no account for this number. Dial *384*22262# and choose Create account.');
  });
});

describe('Change password', () => {
  test('right after the login asks for the password once, not twice', async () => {
    await holder()
      .dial()
      .press('Change password')
      .expectSee('Enter your CP2 password')
      .type(PASSWORD)
      .expectScreen(NEW_PROMPT);
  });

  test('later in a session asks for the current password first', async () => {
    await holder()
      .dial()
      .press('My profile')
      .type(PASSWORD)
      .home()
      .press('Change password')
      .expectScreen('Enter your current password:\n0 Back 00 Home')
      .type(PASSWORD)
      .expectScreen(NEW_PROMPT);
  });

  test('refuses easy and mismatched passwords, one reason at a time, then changes it', async () => {
    const phone = holder();
    await phone
      .dial()
      .press('Change password')
      .type(PASSWORD, '123456')
      .expectScreen(`Too easy to guess. Avoid 123456 or repeated digits.\n${NEW_PROMPT}`)
      // The next refusal replaces the earlier one: never two reasons on one screen.
      .type('12')
      .expectScreen(`Enter 6 to 12 digits.\n${NEW_PROMPT}`)
      .type('583920')
      .expectSee('Enter the new password again')
      .type('583921')
      .expectFirstLine('The passwords did not match.')
      .expectSee('Enter a new password')
      .type('583920', '583920')
      .expectEnd()
      .expectScreen('Your password has been changed. Use it the next time you log in.');
    expect(phone.world.account(phone.number)?.password).toBe('583920');
  });

  test('three passwords too easy to guess in a row end the session, like three invalid choices', async () => {
    await holder()
      .dial()
      .press('Change password')
      .type(PASSWORD, '123456')
      .expectCon()
      .type('000000')
      .expectCon()
      .type('777777')
      .expectEnd()
      .expectScreen('Too many invalid entries. Dial *384*22262# to try again or SMS HELP to 22262.');
  });

  test('a dropped journey that was logged in resumes only after the password is asked again', async () => {
    await holder()
      .dial()
      .press('Change password')
      .type(PASSWORD)
      .expectSee('Enter a new password')
      // The call drops here; the user dials again within the resume window.
      .dial()
      .expectScreen(
        'You did not finish changing your password last time.\n1. Continue where you left off\n2. Start again',
      )
      .press('Continue where you left off')
      .expectSee('Enter your CP2 password')
      .type('111222')
      .expectFirstLine('Wrong password. 4 attempts left.')
      .type(PASSWORD)
      .expectSee('Enter a new password')
      .type('583920', '583920')
      .expectEnd('Your password has been changed');
  });

  test('a wrong current password counts down like a wrong login', async () => {
    await holder()
      .dial()
      .press('My profile')
      .type(PASSWORD)
      .home()
      .press('Change password')
      .type('111222')
      .expectFirstLine('Wrong password. 4 attempts left.')
      .expectSee('Enter your current password:');
  });
});

describe('Create account', () => {
  test('confirm, and the account is made for the number dialling', async () => {
    const phone = testPhone();
    await phone
      .dial()
      .press('Create account')
      .expectScreen(
        'Create a CP2 account for 0711 000 001? The exam council uses your details to manage its contracts. SMS PRIVACY to 22262.\n1. Confirm\n2. Cancel\n0 Back 00 Home',
      )
      .press('Confirm')
      .expectEnd()
      .expectScreen('Your account is ready. Your login details have been sent by SMS to 0711 000 001.');
    expect(phone.world.sms).toEqual([
      expect.objectContaining({ to: phone.number, template: 'sms.credentials' }),
    ]);
  });

  test('cancel: nothing is created', async () => {
    const phone = testPhone();
    await phone
      .dial()
      .press('Create account')
      .press('Cancel')
      .expectEnd('No account was created. Dial *384*22262# any time to start again.');
    expect(phone.world.accounts).toEqual([]);
  });

  test('an account made meanwhile (another session): a new password offered, or the limit said', async () => {
    const phone = testPhone();
    await phone.dial().press('Create account');
    phone.world.addAccount(phone.number);
    await phone
      .press('Confirm')
      .expectScreen('An account already exists for 0711 000 001.\n1. Send me a new password\n0 Back 00 Home')
      .press('Send me a new password')
      .expectEnd('A new password has been sent by SMS to 0711 000 001.');

    const limited = testPhone();
    limited.world.resetLimitedUntil = new Date('2027-01-02T05:30:00Z');
    await limited.dial().press('Create account');
    limited.world.addAccount(limited.number);
    await limited
      .press('Confirm')
      .press('Send me a new password')
      .expectEnd('You have asked for 3 new passwords in 24 hours. Try again after 02/01/2027 08:30.');
  });
});
