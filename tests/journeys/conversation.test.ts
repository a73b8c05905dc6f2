// Issue 10, the conversation as a teacher meets it, over real HTTP in English and Kiswahili: single-choice
// levels taken and named, details and confirm on one screen, refusals where the choice is made, no dead
// ends, 0/00 everywhere, one error at a time (and none after Back or resume), one rule for refused
// entries, exact-length and plural copy, the council's year and next-of-kin checks, the resume prompt
// naming the task, phone numbers as a Kenyan reads them. Each test runs in both languages.
import { keys } from '../../src/engine/session-store';
import { completeProfileColumns } from '../support/complete-profile';
import { passwordIn, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone, type Screen } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Lang = 'en' | 'sw';
const YEAR = new Date().getFullYear();

/** The words each test expects, exactly as the user reads them. */
const T = {
  en: {
    title: 'Welcome to CP2 Exam Council',
    backHome: '0 Back 00 Home',
    more: '98 More',
    invalid: 'Invalid choice. Enter a number below.',
    tooMany: 'Too many invalid entries. Dial *384*22262# to try again or SMS HELP to 22262.',
    holderOptions: [
      '1. My profile',
      '2. Apply for a job',
      '3. My applications',
      '4. My duties and pay',
      '5. Change password',
      '6. Language/Lugha',
      '7. Help',
    ],
    newOptions: ['1. Create account', '2. Language/Lugha', '3. Help'],
    help: 'CP2 Exam Council. Dial *384*22262# to create an account and apply for jobs. SMS HELP, PASSWORD or STATUS to 22262.',
    languageSaved: 'Language set to English.',
    languageTitle: 'Choose language/Chagua lugha',
    resumeOptions: '1. Continue where you left off\n2. Start again',
    resumePayment: 'You did not finish filling Payment details last time.',
    resumeApply: 'You did not finish applying for a job last time.',
    resumePassword: 'You did not finish changing your password last time.',
    login: 'Enter your CP2 password:',
    wrong: (n: number) => `Wrong password. ${n} ${n === 1 ? 'attempt' : 'attempts'} left.`,
    currentPassword: 'Enter your current password:',
    newPassword: 'Enter a new password of 6 to 12 digits:',
    passwordDigits: 'Enter 6 to 12 digits.',
    trivial: 'Too easy to guess. Avoid 123456 or repeated digits.',
    confirmAccount: (phone: string) =>
      `Create a CP2 account for ${phone}? The exam council uses your details to manage its contracts. SMS PRIVACY to 22262.\n1. Confirm\n2. Cancel\n0 Back 00 Home`,
    accountCreated: (phone: string) =>
      `Your account is ready. Your login details have been sent by SMS to ${phone}.`,
    profileTitle: 'My profile:',
    personal: 'Personal: missing',
    payment: 'Payment: missing',
    qualification: 'Qualification: missing',
    workstation: 'Workstation: missing',
    nextOfKin: 'Next of kin: missing',
    fullName: 'Enter your full name as on your national ID:',
    nationalId: 'Enter your national ID number:',
    nationalIdError: 'An ID number has 7 or 8 digits.',
    birthYear: 'Enter your year of birth, e.g. 1985:',
    fourDigits: 'Enter 4 digits.',
    age: 'Your age must be 18 to 75 years.',
    yearFuture: 'Enter a 4-digit year, not in the future.',
    gender: 'Choose your gender:',
    kraPin: 'Enter your KRA PIN, e.g. A012345678Z:',
    kraPinError: 'A KRA PIN is A, 9 digits and a letter.',
    email: 'Enter your email address, or 1 to skip:',
    emailError: 'That email address is not valid.',
    mpesaPhone: (phone: string) =>
      `M-Pesa number for payment. Enter 1 to use ${phone}, or type another number:`,
    mpesaName: 'Enter the name registered for that M-Pesa number:',
    bankName: 'Enter your bank name, or 1 to skip bank details:',
    bankNameError: 'Enter the name of the bank, e.g. Equity Bank, not a number.',
    bankBranch: 'Enter your bank branch:',
    degree: 'Degree',
    qualificationYear: 'Enter the year you completed it:',
    qualifiedTooYoung: (born: number, year: number) =>
      `Born in ${born}, you were under 15 in ${year}. Check the years.`,
    private: 'Private',
    workStartYear: 'Enter the year you started there:',
    workedTooYoung: (born: number, year: number) =>
      `Born in ${born}, you were under 18 in ${year}. Check the years.`,
    workBeforeQualification: (year: number, qualified: number) =>
      `Work started in ${year}, before your qualification in ${qualified}. Check the years.`,
    county: 'Choose the county of your workstation:',
    kinPhone: 'Enter the phone number of your next of kin:',
    kinOwnPhone: 'That is your own number. Enter the number of your next of kin.',
    kinRelationship: 'Choose their relationship to you:',
    spouse: 'Spouse',
    confirmSave: 'Confirm and save',
    complete: 'Your profile is complete.\n1. Apply for a job\n0 Back 00 Home',
    exams: 'Choose the exam:',
    activities: 'Choose the activity:',
    positions: 'Choose the position:',
    counties: 'Choose the county:',
    vacancies: 'Vacancies (positions available):',
    onlyChoice: 'Examination centre (only choice).',
    supervision: 'Supervision and invigilation',
    applied: '(applied)',
    activityTaken: 'You already applied in this activity. Withdraw that application first.',
    details:
      /^.+, KCSE\n.+, .+\n\d+ available, closes \d\d\/\d\d\/\d{4} \d\d:\d\d\n1\. Confirm and submit\n0 Back 00 Home$/,
    confirm: 'Confirm and submit',
    submitted:
      'Thank you for submitting your application. The application shall be reviewed, and you shall be notified shortly!',
    duplicate:
      'You have already applied for this vacancy. See My applications.\n1. Choose another vacancy\n2. My applications\n0 Back 00 Home',
    closed: 'This vacancy is closed for applications.\n1. Choose another vacancy\n0 Back 00 Home',
    none: 'There are no open vacancies right now. Please check again later.',
    noApplications: 'You have no applications yet.\n1. Apply for a job\n0 Back 00 Home',
    noneToWithdraw: 'You have no application that can be withdrawn.\n1. My applications\n0 Back 00 Home',
    myApplications: 'My applications:',
    withdrawItem: 'Withdraw application',
    withdrawYes: 'Yes, withdraw it',
    withdrawn: 'Your application has been withdrawn. You can apply for the vacancy again.',
    passwordChanged: 'Your password has been changed. Use it the next time you log in.',
  },
  sw: {
    title: 'Karibu CP2 - Baraza la Mitihani',
    backHome: '0 Rudi 00 Mwanzo',
    more: '98 Zaidi',
    invalid: 'Chaguo si sahihi. Weka nambari iliyo hapa chini.',
    tooMany: 'Umekosea mara nyingi mno. Piga *384*22262# ujaribu tena, au tuma neno MSAADA kwa 22262.',
    holderOptions: [
      '1. Wasifu wangu',
      '2. Omba kazi',
      '3. Maombi yangu',
      '4. Zamu & malipo',
      '5. Badilisha nenosiri',
      '6. Lugha/Language',
      '7. Msaada',
    ],
    newOptions: ['1. Fungua akaunti', '2. Lugha/Language', '3. Msaada'],
    help: 'CP2 - Baraza la Mitihani. Piga *384*22262# kufungua akaunti na kuomba kazi. Tuma neno MSAADA, NENOSIRI au HALI kwa 22262.',
    languageSaved: 'Lugha imewekwa kuwa Kiswahili.',
    languageTitle: 'Chagua lugha/Choose language',
    resumeOptions: '1. Endelea ulipoachia\n2. Anza upya',
    resumePayment: 'Hukumaliza kujaza Maelezo ya malipo mara iliyopita.',
    resumeApply: 'Hukumaliza kuomba kazi mara iliyopita.',
    resumePassword: 'Hukumaliza kubadilisha nenosiri mara iliyopita.',
    login: 'Weka nenosiri lako la CP2:',
    wrong: (n: number) =>
      n === 1
        ? 'Nenosiri si sahihi. Jaribio lililobaki: 1.'
        : `Nenosiri si sahihi. Majaribio yaliyobaki: ${n}.`,
    currentPassword: 'Weka nenosiri lako la sasa:',
    newPassword: 'Weka nenosiri jipya la tarakimu 6 hadi 12:',
    passwordDigits: 'Weka tarakimu 6 hadi 12.',
    trivial: 'Ni rahisi kukisia. Epuka 123456 au tarakimu zinazojirudia.',
    confirmAccount: (phone: string) =>
      `Fungua akaunti ya CP2 kwa ${phone}? Baraza hutumia maelezo yako kusimamia mikataba. Tuma FARAGHA kwa 22262.\n1. Thibitisha\n2. Ghairi\n0 Rudi 00 Mwanzo`,
    accountCreated: (phone: string) =>
      `Akaunti yako iko tayari. Tumetuma maelezo ya kuingia kwa SMS kwenye nambari ${phone}.`,
    profileTitle: 'Wasifu wangu:',
    personal: 'Binafsi: bado',
    payment: 'Malipo: bado',
    qualification: 'Elimu: bado',
    workstation: 'Kituo cha kazi: bado',
    nextOfKin: 'Jamaa wa karibu: bado',
    fullName: 'Weka majina yako kamili kama yalivyo kwenye kitambulisho:',
    nationalId: 'Weka nambari ya kitambulisho chako:',
    nationalIdError: 'Nambari ya kitambulisho ina tarakimu 7 au 8.',
    birthYear: 'Weka mwaka wako wa kuzaliwa, mfano 1985:',
    fourDigits: 'Weka tarakimu 4.',
    age: 'Umri wako uwe miaka 18 hadi 75.',
    yearFuture: 'Weka mwaka wa tarakimu 4 usiozidi mwaka huu.',
    gender: 'Chagua jinsia yako:',
    kraPin: 'Weka PIN yako ya KRA, mfano A012345678Z:',
    kraPinError: 'PIN ya KRA ni A, tarakimu 9, kisha herufi moja.',
    email: 'Weka barua pepe yako, au 1 kuruka:',
    emailError: 'Barua pepe hiyo si sahihi.',
    mpesaPhone: (phone: string) =>
      `Nambari ya M-Pesa ya malipo. Weka 1 kutumia ${phone}, au andika nambari nyingine:`,
    mpesaName: 'Weka jina lililosajiliwa kwa nambari hiyo ya M-Pesa:',
    bankName: 'Weka jina la benki yako, au 1 kuruka maelezo ya benki:',
    bankNameError: 'Weka jina la benki, k.m. Equity Bank, si nambari.',
    bankBranch: 'Weka tawi la benki yako:',
    degree: 'Shahada (Degree)',
    qualificationYear: 'Weka mwaka uliohitimu:',
    qualifiedTooYoung: (born: number, year: number) =>
      `Ulizaliwa ${born}, ulikuwa chini ya miaka 15 mwaka ${year}. Angalia miaka.`,
    private: 'Sekta binafsi',
    workStartYear: 'Weka mwaka ulioanza kazi hapo:',
    workedTooYoung: (born: number, year: number) =>
      `Ulizaliwa ${born}, ulikuwa chini ya miaka 18 mwaka ${year}. Angalia miaka.`,
    workBeforeQualification: (year: number, qualified: number) =>
      `Kazi ilianza ${year}, kabla ya kuhitimu ${qualified}. Angalia miaka.`,
    county: 'Chagua kaunti ya kituo chako cha kazi:',
    kinPhone: 'Weka nambari ya simu ya jamaa wako wa karibu:',
    kinOwnPhone: 'Hiyo ni nambari yako. Weka nambari ya jamaa wako wa karibu.',
    kinRelationship: 'Chagua uhusiano wako naye:',
    spouse: 'Mume au mke',
    confirmSave: 'Thibitisha na uhifadhi',
    complete: 'Wasifu wako umekamilika.\n1. Omba kazi\n0 Rudi 00 Mwanzo',
    exams: 'Chagua mtihani:',
    activities: 'Chagua shughuli:',
    positions: 'Chagua kazi:',
    counties: 'Chagua kaunti:',
    vacancies: 'Vituo (nafasi zilizo wazi):',
    onlyChoice: 'Kituo cha mtihani (chaguo pekee).',
    supervision: 'Usimamizi na uangalizi wa mtihani',
    applied: '(umeomba)',
    activityTaken: 'Tayari umeomba katika shughuli hii. Ondoa ombi hilo kwanza.',
    details:
      /^.+, KCSE\n.+, .+\nNafasi wazi: \d+, mwisho \d\d\/\d\d\/\d{4} \d\d:\d\d\n1\. Thibitisha na uwasilishe\n0 Rudi 00 Mwanzo$/,
    confirm: 'Thibitisha na uwasilishe',
    submitted: 'Asante kwa kuwasilisha ombi lako. Litakaguliwa na utaarifiwa hivi karibuni.',
    duplicate:
      'Tayari umeomba nafasi hii. Angalia Maombi yangu.\n1. Chagua nafasi nyingine\n2. Maombi yangu\n0 Rudi 00 Mwanzo',
    closed: 'Nafasi hii haipokei maombi tena.\n1. Chagua nafasi nyingine\n0 Rudi 00 Mwanzo',
    none: 'Hakuna nafasi za kazi kwa sasa. Tafadhali angalia tena baadaye.',
    noApplications: 'Bado huna maombi.\n1. Omba kazi\n0 Rudi 00 Mwanzo',
    noneToWithdraw: 'Huna ombi linaloweza kuondolewa.\n1. Maombi yangu\n0 Rudi 00 Mwanzo',
    myApplications: 'Maombi yangu:',
    withdrawItem: 'Ondoa ombi',
    withdrawYes: 'Ndiyo, liondoe',
    withdrawn: 'Ombi lako limeondolewa. Unaweza kuomba nafasi hiyo tena.',
    passwordChanged: 'Nenosiri lako limebadilishwa. Litumie utakapoingia tena.',
  },
} as const;

const firstLine = (s: Screen) => s.text.split('\n')[0];

/** Every refusal line of either language: a screen never carries two. */
const REFUSALS: string[] = (['en', 'sw'] as const).flatMap((l): string[] => [
  T[l].invalid,
  T[l].fourDigits,
  T[l].age,
  T[l].yearFuture,
  T[l].emailError,
  T[l].kraPinError,
  T[l].nationalIdError,
  T[l].passwordDigits,
  T[l].trivial,
  T[l].activityTaken,
  T[l].kinOwnPhone,
  T[l].bankNameError,
]);
function expectOneRefusalAtMost(s: Screen): void {
  const lines = s.text
    .split('\n')
    .filter((l) => REFUSALS.includes(l) || /Check the years\.|Angalia miaka\./.test(l));
  expect(lines.length).toBeLessThanOrEqual(1);
}

/** A phone whose language is set (a new phone: no account). */
async function newPhone(lang: Lang): Promise<UssdPhone> {
  const phone = new UssdPhone(app.url, randomPhone());
  if (lang === 'sw') {
    await phone.dial();
    await phone.send('2'); // Language/Lugha
    expect(firstLine(await phone.send('2'))).toBe(T.sw.languageSaved);
  }
  return phone;
}

/** Dials and, when a dropped journey is offered, starts again: the main menu. */
async function home(phone: UssdPhone, lang: Lang): Promise<Screen> {
  const s = await phone.dial();
  if (s.text.includes(T[lang].resumeOptions)) return phone.send('2');
  return s;
}

/** A phone with an account made over USSD in `lang`, and the password its SMS brought. */
async function holder(lang: Lang): Promise<{ phone: UssdPhone; password: string; accountId: number }> {
  const phone = await newPhone(lang);
  await phone.dial();
  await phone.send('1'); // Create account
  expect((await phone.send('1')).kind).toBe('END');
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const account = await app.db('accounts').where({ phone: phone.phoneNumber }).first('id');
  return { phone, password: passwordIn(sms?.text ?? ''), accountId: account.id as number };
}

/** A holder with a profile: every section (or the columns given) written straight to the database. */
async function applicant(
  lang: Lang,
  without: string[] = [],
): Promise<{ phone: UssdPhone; password: string; accountId: number }> {
  const h = await holder(lang);
  const cols = await completeProfileColumns(app.db, h.phone.phoneNumber);
  for (const c of without) cols[c] = null;
  await app.db('profiles').insert({ account_id: h.accountId, ...cols });
  return h;
}

/** Logs in through a main-menu option (its number): the screen after the password. */
async function logIn(phone: UssdPhone, lang: Lang, password: string, option: string): Promise<Screen> {
  await home(phone, lang);
  await phone.send(option);
  expect(phone.last.text).toContain(T[lang].login);
  return phone.send(password);
}

/** KCSE, Supervision (exam centres only: taken for the user), the first position, county, sub-county. */
async function toKcseSupervisionVacancies(phone: UssdPhone, lang: Lang): Promise<void> {
  expect(phone.last.text).toContain(T[lang].exams);
  await phone.choose('KCSE');
  await phone.choose(T[lang].supervision);
  while (!phone.last.text.includes(T[lang].vacancies)) await phone.send('1');
}

describe.each(['en', 'sw'] as const)('in %s', (lang) => {
  const t = T[lang];

  describe('fewer hops', () => {
    test('a level with one choice is taken and named on the next screen; Back passes over it', async () => {
      const { phone, password } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await phone.choose('KCSE');
      const activities = phone.last;
      expect(activities.text).toContain(t.activities);
      const positions = await phone.choose(t.supervision);
      // Supervision is at examination centres only: the station type is not asked, it is named.
      expect(positions.text.split('\n').slice(0, 2)).toEqual([t.onlyChoice, t.positions]);
      expectFits(positions);
      const back = await phone.send('0');
      expect(back.text).toBe(activities.text);
    });

    test("a vacancy's details and Confirm and submit are one screen, and it submits (END by decision)", async () => {
      const { phone, password } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await toKcseSupervisionVacancies(phone, lang);
      const details = await phone.send('1');
      expect(details.kind).toBe('CON');
      expect(details.text).toMatch(t.details);
      expectFits(details);
      const done = await phone.send('1');
      expect(done).toMatchObject({ kind: 'END', text: t.submitted });
    });
  });

  describe('refusals where the choice is made', () => {
    test('the activity applied in is marked and refused on the same list; Back then shows no error', async () => {
      const { phone, password } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await toKcseSupervisionVacancies(phone, lang);
      await phone.send('1');
      expect((await chooseOnAnyPage(phone, lang, t.confirm)).kind).toBe('END');

      const exams = await logIn(phone, lang, password, '2');
      await phone.choose('KCSE');
      const marked = phone.last.text.split('\n').find((l) => l.includes(t.applied)) as string;
      expect(marked).toBe(`${phone.optionFor(t.supervision)}. ${t.supervision} ${t.applied}`);
      const refused = await phone.send(phone.optionFor(t.supervision));
      expect(refused.kind).toBe('CON');
      expect(firstLine(refused)).toBe(t.activityTaken);
      expect(refused.text).toContain(marked);
      expect(refused.text).toMatch(new RegExp(`${t.backHome}$`));
      expectFits(refused);
      expectOneRefusalAtMost(refused);
      expect((await phone.send('0')).text).toBe(exams.text);
    });

    test('applied meanwhile: the refusal at submit is a screen to go on from, not an END', async () => {
      const { phone, password, accountId } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await toKcseSupervisionVacancies(phone, lang);
      await phone.send('1');
      await pageTo(phone, lang, t.confirm);
      // Whichever vacancy is shown, the account applied for it from another session meanwhile.
      const shown = await shownVacancy(phone);
      const v = await app.db('vacancies').where({ id: shown }).first('exam', 'activity');
      await app.db('applications').insert({
        account_id: accountId,
        vacancy_id: shown,
        exam: v.exam,
        activity: v.activity,
        status: 'submitted',
      });
      const refused = await phone.send('1');
      expect(refused).toMatchObject({ kind: 'CON', text: t.duplicate });
      // "Choose another vacancy": the same list again.
      expect((await phone.send('1')).text).toContain(t.vacancies);
    });

    test('a vacancy closed while looked at: refused with the way to another vacancy', async () => {
      const { phone, password } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await toKcseSupervisionVacancies(phone, lang);
      await phone.send('1');
      await pageTo(phone, lang, t.confirm);
      const shown = await shownVacancy(phone);
      await app.db('vacancies').where({ id: shown }).update({ status: 'closed' });
      try {
        const refused = await phone.send('1');
        expect(refused).toMatchObject({ kind: 'CON', text: t.closed });
      } finally {
        await app.db('vacancies').where({ id: shown }).update({ status: 'open' });
      }
    });
  });

  describe('no dead ends', () => {
    test('Help is a screen with Back and Home, and Back leads to the main menu', async () => {
      const phone = await newPhone(lang);
      await home(phone, lang);
      const help = await phone.send('3');
      expect(help).toMatchObject({ kind: 'CON', text: `${t.help}\n${t.backHome}` });
      expectFits(help);
      expect(firstLine(await phone.send('0'))).toBe(t.title);
      // Not offered for resume.
      await phone.send('3');
      expect(firstLine(await phone.dial())).toBe(t.title);
    });

    // Nothing to withdraw (My applications is offered) is tested after a withdrawal, below: Withdraw
    // application is under My applications, which a teacher without applications sees as this screen.
    test('no applications yet: Apply for a job is offered', async () => {
      const { phone, password } = await applicant(lang);
      const none = await logIn(phone, lang, password, '3');
      expect(none).toMatchObject({ kind: 'CON', text: t.noApplications });
      expect((await phone.send('1')).text).toContain(t.exams);
    });

    test('no open vacancies: said on a screen with Back and Home', async () => {
      const { phone, password } = await applicant(lang);
      const open = await app.db('vacancies').where({ status: 'open' }).pluck('id');
      await app.db('vacancies').whereIn('id', open).update({ status: 'closed' });
      try {
        const none = await logIn(phone, lang, password, '2');
        expect(none).toMatchObject({ kind: 'CON', text: `${t.none}\n${t.backHome}` });
        expect(firstLine(await phone.send('00'))).toBe(t.title);
      } finally {
        await app.db('vacancies').whereIn('id', open).update({ status: 'open' });
      }
    });

    test('withdrawing ends by decision; the list then says so and leads on', async () => {
      const { phone, password } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await toKcseSupervisionVacancies(phone, lang);
      await phone.send('1');
      expect((await chooseOnAnyPage(phone, lang, t.confirm)).kind).toBe('END');
      // Withdraw application is under My applications (3).
      await logIn(phone, lang, password, '3');
      await phone.choose(t.withdrawItem);
      await phone.send('1');
      await phone.choose(t.withdrawItem);
      const done = await phone.choose(t.withdrawYes);
      expect(done).toMatchObject({ kind: 'END', text: t.withdrawn });
      await logIn(phone, lang, password, '3');
      expect(await phone.choose(t.withdrawItem)).toMatchObject({ kind: 'CON', text: t.noneToWithdraw });
    });
  });

  describe('0 and 00 everywhere', () => {
    test('on the main menu 0 and 00 show it again, not counted as refused entries', async () => {
      const { phone } = await holder(lang);
      const main = await home(phone, lang);
      for (const key of ['0', '00', '0', '00']) {
        expect(await phone.send(key)).toMatchObject({ kind: 'CON', text: main.text });
      }
      await phone.sendAll('9', '9');
      expect(phone.last.kind).toBe('CON');
    });

    test.each(['0', '00'])('on the resume prompt %s means Start again: the main menu', async (key) => {
      const phone = await newPhone(lang);
      await home(phone, lang);
      await phone.send('2'); // the language screen, then the call drops
      const offer = await phone.dial();
      expect(offer.text).toContain(t.resumeOptions);
      const s = await phone.send(key);
      expect(s.kind).toBe('CON');
      expect(firstLine(s)).toBe(t.title);
      expect(s.text).not.toContain(t.invalid);
      // Started again: not offered a second time.
      expect(firstLine(await phone.dial())).toBe(t.title);
    });
  });

  describe('errors', () => {
    test('after an invalid choice the main menu is one page with all seven options', async () => {
      const { phone } = await holder(lang);
      await home(phone, lang);
      const s = await phone.send('9');
      expect(s.kind).toBe('CON');
      expect(firstLine(s)).toBe(t.invalid);
      expect(s.text).not.toContain(t.more);
      expect(s.text.split('\n').filter((l) => /^\d\. /.test(l))).toEqual(t.holderOptions);
      expectFits(s);
    });

    test('the language notice is not shown again after leaving the menu and coming back', async () => {
      const phone = new UssdPhone(app.url, randomPhone());
      await phone.dial();
      await phone.send('2');
      const saved = await phone.send(lang === 'en' ? '1' : '2');
      expect(firstLine(saved)).toBe(t.languageSaved);
      expect((await phone.send('2')).text).toContain(t.languageTitle);
      const back = await phone.send('0');
      expect(firstLine(back)).toBe(t.title);
      expect(back.text).not.toContain(t.languageSaved);
    });

    test('a year-of-birth error is not shown again after Back from the next screen', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.personal);
      await phone.sendAll('Jane Wanjiku Kamau', randomNationalId());
      const refused = await phone.send(String(YEAR - 10));
      expect(refused.text).toBe(`${t.age}\n${t.birthYear}\n${t.backHome}`);
      expect((await phone.send(String(YEAR - 40))).text).toContain(t.gender);
      const back = await phone.send('0');
      expect(back.text).toBe(`${t.birthYear}\n${t.backHome}`);
    });

    test("the engine's refusal replaces the machine's error: one reason at a time", async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.personal);
      await phone.sendAll('Jane Wanjiku Kamau', randomNationalId());
      expect(firstLine(await phone.send(String(YEAR - 10)))).toBe(t.age);
      const engine = await phone.send('19');
      expect(engine.text).toBe(`${t.fourDigits}\n${t.birthYear}\n${t.backHome}`);
      expectOneRefusalAtMost(engine);
    });

    test('a screen restored by resume shows no old error', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.personal);
      await phone.sendAll('Jane Wanjiku Kamau', randomNationalId());
      expect(firstLine(await phone.send(String(YEAR - 10)))).toBe(t.age);
      await phone.dial(); // the call dropped
      await phone.send('1');
      const resumed = await phone.send(password);
      expect(resumed.text).toBe(`${t.birthYear}\n${t.backHome}`);
    });
  });

  describe('one rule: three refused entries in a row end the session', () => {
    test('three bad emails', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.personal);
      await phone.sendAll('Jane Wanjiku Kamau', randomNationalId(), String(YEAR - 40), '2', 'A012345678Z');
      expect(phone.last.text).toContain(t.email);
      expect(firstLine(await phone.send('jane@'))).toBe(t.emailError);
      expect(firstLine(await phone.send('jane.example.org'))).toBe(t.emailError);
      expect(await phone.send('jane@example')).toEqual({ kind: 'END', text: t.tooMany, status: 200 });
    });

    test("the engine's length check and the machine's year checks count together; Back clears the count", async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.personal);
      await phone.sendAll('Jane Wanjiku Kamau', randomNationalId(), String(YEAR - 40));
      expect(firstLine(await phone.send('7'))).toBe(t.invalid); // gender: not an option
      expect(firstLine(await phone.send('x'))).toBe(t.invalid);
      await phone.send('0'); // Back to the year: a good input clears the count
      expect(firstLine(await phone.send('123'))).toBe(t.fourDigits); // the engine's length check
      expect(firstLine(await phone.send(String(YEAR + 1)))).toBe(t.yearFuture); // the machine's checks
      expect(await phone.send(String(YEAR - 5))).toEqual({ kind: 'END', text: t.tooMany, status: 200 });
    });

    test('too-easy passwords are counted; wrong passwords are not (the lockout counts them)', async () => {
      const { phone, password } = await holder(lang);
      const wrong = password === '135792' ? '246813' : '135792';
      await home(phone, lang);
      await phone.send('5');
      // Three wrong passwords in a row: three refused entries would end the session, these do not.
      for (const left of [4, 3, 2]) {
        const s = await phone.send(wrong);
        expect(s.kind).toBe('CON');
        expect(s.text).toBe(`${t.wrong(left)}\n${t.login}\n${loginHint(lang)}\n${t.backHome}`);
      }
      expect((await phone.send(password)).text).toBe(`${t.newPassword}\n${t.backHome}`);
      expect(firstLine(await phone.send('123456'))).toBe(t.trivial);
      expect(firstLine(await phone.send('12'))).toBe(t.passwordDigits);
      expect(await phone.send('111111')).toEqual({ kind: 'END', text: t.tooMany, status: 200 });
    });
  });

  describe('copy', () => {
    test('plural forms: 4 attempts left … 1 attempt left', async () => {
      const { phone, password } = await holder(lang);
      const wrong = password === '135792' ? '246813' : '135792';
      await home(phone, lang);
      await phone.send('1');
      for (const left of [4, 3, 2, 1]) expect(firstLine(await phone.send(wrong))).toBe(t.wrong(left));
    });

    test('exact lengths and own formats: "Enter 4 digits.", the national ID and KRA PIN messages', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.personal);
      await phone.send('Jane Wanjiku Kamau');
      expect((await phone.send('123')).text).toBe(`${t.nationalIdError}\n${t.nationalId}\n${t.backHome}`);
      await phone.send(randomNationalId());
      expect((await phone.send('85')).text).toBe(`${t.fourDigits}\n${t.birthYear}\n${t.backHome}`);
      await phone.sendAll(String(YEAR - 40), '2');
      expect((await phone.send('A123')).text).toBe(`${t.kraPinError}\n${t.kraPin}\n${t.backHome}`);
    });

    test('Change password right after the login asks no current password; later it does', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '5');
      expect(phone.last.text).toBe(`${t.newPassword}\n${t.backHome}`);
      await phone.send('00');
      expect((await phone.send('5')).text).toBe(`${t.currentPassword}\n${t.backHome}`);
      expect((await phone.send(password)).text).toBe(`${t.newPassword}\n${t.backHome}`);
      await phone.send('583920');
      expect(await phone.send('583920')).toMatchObject({ kind: 'END', text: t.passwordChanged });
    });

    test('phone numbers read 0712 345 678: create account, account created, M-Pesa prompt', async () => {
      const phone = await newPhone(lang);
      await home(phone, lang);
      const confirm = await phone.send('1');
      expect(confirm.text).toBe(t.confirmAccount(phone.shownNumber));
      expect(phone.shownNumber).toMatch(/^0\d{3} \d{3} \d{3}$/);
      expect(await phone.send('1')).toMatchObject({ kind: 'END', text: t.accountCreated(phone.shownNumber) });
      const [sms] = await waitForSms(app.url, phone.phoneNumber);
      await logIn(phone, lang, passwordIn(sms?.text ?? ''), '1');
      const mpesa = await phone.choose(t.payment);
      expect(mpesa.text).toBe(`${t.mpesaPhone(phone.shownNumber)}\n${t.backHome}`);
    });
  });

  describe("the council's checks in the profile", () => {
    const born = YEAR - 40;
    const qualified = YEAR - 17;

    test('a qualification before 15 is refused naming the birth year', async () => {
      const { phone, password, accountId } = await applicant(lang, [
        'qualification_level',
        'course',
        'institution',
        'qualification_year',
      ]);
      await app.db('profiles').where({ account_id: accountId }).update({ birth_year: born });
      await logIn(phone, lang, password, '1');
      await phone.choose(t.qualification);
      await phone.choose(t.degree);
      await phone.sendAll('Education', 'Kenyatta University');
      expect(phone.last.text).toContain(t.qualificationYear);
      const refused = await phone.send(String(born + 10));
      expect(refused.text).toBe(
        `${t.qualifiedTooYoung(born, born + 10)}\n${t.qualificationYear}\n${t.backHome}`,
      );
      expectFits(refused);
    });

    test('work before 18 or before the qualification is refused naming the clash', async () => {
      const { phone, password, accountId } = await applicant(lang, [
        'employer',
        'work_institution',
        'designation',
        'work_start_year',
        'county_code',
        'sub_county_id',
      ]);
      await app
        .db('profiles')
        .where({ account_id: accountId })
        .update({ birth_year: born, qualification_year: qualified });
      await logIn(phone, lang, password, '1');
      await phone.choose(t.workstation);
      await phone.choose(t.private);
      await phone.sendAll('Moi Girls', 'Teacher');
      expect(phone.last.text).toContain(t.workStartYear);
      const young = await phone.send(String(born + 15));
      expect(young.text).toBe(`${t.workedTooYoung(born, born + 15)}\n${t.workStartYear}\n${t.backHome}`);
      const early = await phone.send(String(qualified - 2));
      expect(early.text).toBe(
        `${t.workBeforeQualification(qualified - 2, qualified)}\n${t.workStartYear}\n${t.backHome}`,
      );
      expectFits(early);
      expect((await phone.send(String(qualified + 1))).text).toContain(t.county);
    });

    test("an all-digit bank name is refused; the next of kin's number may not be the teacher's own; the last section completes the profile", async () => {
      const { phone, password } = await applicant(lang, [
        'mpesa_phone',
        'mpesa_name',
        'kin_name',
        'kin_phone',
        'kin_relationship',
      ]);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.payment);
      await phone.sendAll('1', 'Jane Wanjiku Kamau');
      expect(phone.last.text).toContain(t.bankName);
      const bank = await phone.send('12345');
      expect(bank.text).toBe(`${t.bankNameError}\n${t.bankName}\n${t.backHome}`);
      expect((await phone.send('Equity Bank')).text).toContain(t.bankBranch);
      await phone.sendAll('Moi Avenue', '0123456789');
      await chooseOnAnyPage(phone, lang, t.confirmSave);
      await phone.choose(t.nextOfKin);
      await phone.send('John Kamau');
      expect(phone.last.text).toContain(t.kinPhone);
      const own = await phone.send(phone.shownNumber.replace(/ /g, ''));
      expect(own.text).toBe(`${t.kinOwnPhone}\n${t.kinPhone}\n${t.backHome}`);
      expect((await phone.send('0722000111')).text).toContain(t.kinRelationship);
      await phone.choose(t.spouse);
      const complete = await chooseOnAnyPage(phone, lang, t.confirmSave);
      expect(complete).toMatchObject({ kind: 'CON', text: t.complete });
      // The way to apply, without the password again.
      expect((await phone.send('1')).text).toContain(t.exams);
    });
  });

  describe('the resume prompt names what was unfinished', () => {
    test('filling Payment details', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '1');
      await phone.choose(t.payment);
      const offer = await phone.dial();
      expect(offer.text).toBe(`${t.resumePayment}\n${t.resumeOptions}`);
      expectFits(offer);
    });

    test('applying for a job', async () => {
      const { phone, password } = await applicant(lang);
      await logIn(phone, lang, password, '2');
      await phone.choose('KCSE');
      expect((await phone.dial()).text).toBe(`${t.resumeApply}\n${t.resumeOptions}`);
    });

    test('changing your password', async () => {
      const { phone, password } = await holder(lang);
      await logIn(phone, lang, password, '5');
      expect((await phone.dial()).text).toBe(`${t.resumePassword}\n${t.resumeOptions}`);
    });
  });
});

/** Pages on with 98 until an option with `label` is shown (any language). */
async function pageTo(phone: UssdPhone, lang: Lang, label: string): Promise<void> {
  while (!phone.last.text.split('\n').some((l) => /^\d+\. /.test(l) && l.includes(label))) {
    if (!phone.last.text.includes(T[lang].more)) throw new Error(`no option "${label}" on any page`);
    await phone.send('98');
  }
}

/** Pages on until the option shows, then chooses it. */
async function chooseOnAnyPage(phone: UssdPhone, lang: Lang, label: string): Promise<Screen> {
  await pageTo(phone, lang, label);
  return phone.choose(label);
}

/** The login hint under the password prompt. */
function loginHint(lang: Lang): string {
  return lang === 'en'
    ? 'Forgot it? SMS PASSWORD to 22262.'
    : 'Umesahau nenosiri? Tuma neno NENOSIRI kwa 22262.';
}

const nationalIds = new Set<string>();
function randomNationalId(): string {
  for (;;) {
    const id = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    if (!nationalIds.has(id)) {
      nationalIds.add(id);
      return id;
    }
  }
}

/** The id of the vacancy whose details are on screen (from the session the screen belongs to). */
async function shownVacancy(phone: UssdPhone): Promise<number> {
  const record = JSON.parse((await app.store.get(keys.session(phone.sessionId))) as string) as {
    snapshot: { state: { context: { vacancy: { id: number } } } };
  };
  return record.snapshot.state.context.vacancy.id;
}
