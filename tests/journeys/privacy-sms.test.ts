// SMS PRIVACY / FARAGHA (the privacy notice) and MY DATA / DATA YANGU (a teacher's own copy of what is
// held, identity fields masked but their last 3 characters), over the real webhook, in both languages.
import { completeProfileColumns, sealed } from '../support/complete-profile';
import { textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';
import { gsm7Length } from '../../src/domain/gsm7';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const NOTICE = {
  en: 'CP2 privacy: the exam council (data controller) uses your details to contract, deploy and pay exam staff. Kept while you have an account; decided applications 7 years, without your name once deleted. Your rights: see (SMS MY DATA), correct (dial *384*22262#), delete (My profile), complain to the ODPC.',
  sw: 'Faragha ya CP2: Baraza la mitihani (msimamizi wa data) hutumia maelezo yako kuajiri, kupanga na kulipa wasimamizi. Huhifadhiwa ukiwa na akaunti; maombi yaliyoamuliwa miaka 7, bila jina lako ukifuta. Haki zako: kuona (tuma DATA YANGU), kusahihisha (piga *384*22262#), kufuta (Wasifu wangu), kulalamika ODPC.',
};

async function register(number: string, lang: 'en' | 'sw'): Promise<number> {
  const phone = new UssdPhone(app.url, number);
  if (lang === 'sw') {
    await phone.dial();
    await phone.choose('Language/Lugha');
    await phone.choose('Kiswahili');
  }
  await phone.dialFresh();
  await phone.choose(lang === 'en' ? 'Create account' : 'Fungua akaunti');
  await phone.choose(lang === 'en' ? 'Confirm' : 'Thibitisha');
  await waitForSms(app.url, number, 1);
  const row = (await app.db('accounts').where({ phone: number }).first('id')) as { id: number };
  return row.id;
}

test.each([
  ['PRIVACY', 'en'],
  ['privacy.', 'en'],
  ['Privcy', 'en'],
  ['FARAGHA', 'sw'],
  ['faragha tafadhali', 'sw'],
] as const)('%j answers with the whole privacy notice in %s, in two segments at most', async (text, lang) => {
  const number = randomPhone();
  expect(await textShortCode(app.url, number, text)).toBe(200);
  const [reply] = await waitForSms(app.url, number, 1);
  expect(reply?.text).toBe(NOTICE[lang]);
  expect(gsm7Length(reply?.text ?? '')).toBeLessThanOrEqual(306);
});

describe.each(['en', 'sw'] as const)('MY DATA in %s', (lang) => {
  test('a summary of what is held: identity fields masked but their last 3, sections, applications', async () => {
    const number = randomPhone();
    const accountId = await register(number, lang);
    const columns = await completeProfileColumns(app.db, number);
    const nationalId = columns.national_id as string;
    await app.db('profiles').insert({
      account_id: accountId,
      ...sealed({
        ...columns,
        mpesa_phone: '+254733123456',
        bank_name: 'Equity Bank',
        bank_account: '0123456789',
      }),
    });
    const vacancy = (await app.db('vacancies').where({ status: 'open' }).first('id', 'exam', 'activity')) as {
      id: number;
      exam: string;
      activity: string;
    };
    await app.db('applications').insert({
      account_id: accountId,
      vacancy_id: vacancy.id,
      exam: vacancy.exam,
      activity: vacancy.activity,
    });

    await textShortCode(app.url, number, lang === 'en' ? 'MY DATA' : 'data yangu');
    const reply = (await waitForSms(app.url, number, 2))[1]?.text ?? '';
    const masked = `${'*'.repeat(nationalId.length - 3)}${nationalId.slice(-3)}`;
    if (lang === 'en') {
      expect(reply).toBe(
        `CP2 data for ${number.slice(1)}: ID ${masked}, KRA PIN ********78Z, M-Pesa *********456, Bank account *******789. Profile: Personal, Payment, Qualification, Workstation, Next of kin. Applications: 1 submitted. SMS PRIVACY to 22262 for your rights.`,
      );
    } else {
      expect(reply).toContain(
        `Kitambulisho ${masked}, PIN ya KRA ********78Z, Nambari ya M-Pesa *********456`,
      );
      expect(reply).toContain('Maombi: 1 limewasilishwa.');
    }
    // Nothing held is sent whole.
    for (const whole of [nationalId, 'A012345678Z', '254733123456', '0123456789'])
      expect(reply).not.toContain(whole);
    expect(gsm7Length(reply)).toBeLessThanOrEqual(306);
  });

  test('with no profile yet it says so; with no account it says how to make one', async () => {
    const number = randomPhone();
    await register(number, lang);
    await textShortCode(app.url, number, lang === 'en' ? 'mydata' : 'DATA YANGU');
    const reply = (await waitForSms(app.url, number, 2))[1]?.text ?? '';
    const none = lang === 'en' ? 'none' : 'hakuna';
    expect(reply).toContain(`: ${none}.`);
    const stranger = randomPhone();
    await textShortCode(app.url, stranger, lang === 'en' ? 'MY DATA' : 'DATA YANGU');
    expect((await waitForSms(app.url, stranger, 1))[0]?.text).toMatch(
      lang === 'en' ? /^There is no CP2 account for this number/ : /akaunti/i,
    );
  });
});
