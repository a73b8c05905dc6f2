// The SMS a teacher gets about applications (issue 10): the confirmation names what was applied for in
// one segment, a withdrawal is confirmed exactly once, and STATUS lists whole applications with their
// status in the reader's language. Applied for and withdrawn over USSD, read from the phone's inbox.
import { inbox, textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone } from '../support/ussd-phone';
import { applicantPhone } from '../support/registered-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Lang = 'en' | 'sw';

/** The portal's sentence, kept whole in the confirmation SMS. */
const SENTENCE = {
  en: 'CP2: Thank you for submitting your application. The application shall be reviewed, and you shall be notified shortly!',
  sw: 'CP2: Asante kwa kuwasilisha ombi lako. Litakaguliwa na utaarifiwa hivi karibuni.',
};
const AT = { en: 'at', sw: 'katika' };
const APPLIED = { en: '', sw: 'Ombi: ' };

const LABELS = {
  en: {
    apply: 'Apply for a job',
    confirm: 'Confirm and submit',
    withdraw: 'Withdraw application',
    yes: 'Yes, withdraw it',
    more: '98 More',
  },
  sw: {
    apply: 'Omba kazi',
    confirm: 'Thibitisha na uwasilishe',
    withdraw: 'Ondoa ombi',
    yes: 'Ndiyo, liondoe',
    more: '98 Zaidi',
  },
};

/** A 58-character station name, as long names are on the council's lists. */
const LONG_STATION = "St Mary's Kapsabet Mixed Day and Boarding Secondary School";
/** The same with the usual short forms, which a shortened name must be the start of. */
const LONG_STATION_SHORT_FORMS = "St Mary's Kapsabet Mxd Day and Boarding Sec Sch";

/** A registered phone in `lang` with a complete profile. */
const applicant = (lang: Lang) => applicantPhone(app, lang);

async function chooseOnAnyPage(phone: UssdPhone, lang: Lang, label: string): Promise<void> {
  while (!phone.last.text.split('\n').some((l) => /^\d+\. /.test(l) && l.includes(label))) {
    if (!phone.last.text.includes(LABELS[lang].more)) throw new Error(`no option "${label}" on any page`);
    await phone.send('98');
  }
  await phone.choose(label);
}

/** Applies for the first vacancy of the first path over USSD; returns what was applied for. */
async function applyForFirst(phone: UssdPhone, lang: Lang, password: string) {
  await phone.dialFresh();
  await phone.choose(LABELS[lang].apply);
  await phone.send(password);
  // The first of each list (a list with one choice is taken for the user), then the first vacancy.
  const list = lang === 'en' ? 'Vacancies (positions available):' : 'Vituo (nafasi zilizo wazi):';
  while (!phone.last.text.includes(list)) await phone.send('1');
  await phone.send('1');
  await chooseOnAnyPage(phone, lang, LABELS[lang].confirm);
  expect(phone.last.kind).toBe('END');
  const applied = await app
    .db('applications as ap')
    .join('accounts as ac', 'ac.id', 'ap.account_id')
    .join('vacancies as v', 'v.id', 'ap.vacancy_id')
    .join('positions as p', 'p.code', 'v.position')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .where('ac.phone', phone.phoneNumber)
    .first('ap.exam', 'p.name', 'p.name_sw', 'd.name as station');
  // The position as the SMS names it: in Kiswahili when it has a Kiswahili name.
  const position = (lang === 'sw' && applied.name_sw) || applied.name;
  return { exam: applied.exam as string, position: position as string, station: applied.station as string };
}

/** The stations' names as the demo set has them, put back after each test that renamed them. */
let stationNames: { id: number; name: string }[] | undefined;

/** Every duty station of this test file's database named `name`, until the test ends. */
async function nameStations(name: string): Promise<void> {
  stationNames ??= await app.db('duty_stations').select('id', 'name');
  await app.db('duty_stations').update({ name });
}

// A test that renamed the stations (passed or failed) leaves them as it found them.
afterEach(async () => {
  if (!stationNames) return;
  await app.db.raw(
    `update duty_stations d set name = o.name
       from jsonb_to_recordset(?::jsonb) as o(id int, name text) where d.id = o.id`,
    [JSON.stringify(stationNames)],
  );
  stationNames = undefined;
});

describe.each<Lang>(['en', 'sw'])('in %s', (lang) => {
  test('the confirmation SMS keeps the sentence whole and says what was applied for', async () => {
    await nameStations('Alpha Primary School');
    const { phone, password } = await applicant(lang);
    const { exam, position } = await applyForFirst(phone, lang, password);
    const [, sms] = await waitForSms(app.url, phone.phoneNumber, 2);
    expect(sms?.text).toBe(
      `${SENTENCE[lang]} ${APPLIED[lang]}${exam} ${position} ${AT[lang]} Alpha Primary School`,
    );
  });

  test('with a long station name the confirmation still fits one segment: the name is shortened', async () => {
    await nameStations(LONG_STATION);
    const { phone, password } = await applicant(lang);
    const { exam, position } = await applyForFirst(phone, lang, password);
    const [, sms] = await waitForSms(app.url, phone.phoneNumber, 2);
    const text = sms?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(160);
    const head = `${SENTENCE[lang]} ${APPLIED[lang]}${exam} ${position} ${AT[lang]} `;
    expect(text.startsWith(head)).toBe(true);
    const station = text.slice(head.length);
    // Shortened only as far as needed: the usual short forms, and when that is not enough, cut where the
    // segment ends and marked with a full stop; always the start of the name as the teacher knows it.
    expect(station).not.toBe(LONG_STATION);
    if (station !== LONG_STATION_SHORT_FORMS) {
      expect(station).toMatch(/^St Mary's Kapsabet.*\.$/);
      expect(LONG_STATION_SHORT_FORMS.startsWith(station.slice(0, -1))).toBe(true);
      expect(text.length).toBeGreaterThanOrEqual(155);
    }
  });

  test('a withdrawal is confirmed by one SMS, also when the confirming hop arrives twice', async () => {
    await nameStations('Alpha Primary School');
    const { phone, password } = await applicant(lang);
    const { exam, position } = await applyForFirst(phone, lang, password);
    await waitForSms(app.url, phone.phoneNumber, 2);

    await phone.dialFresh();
    // Withdraw application is under My applications.
    await phone.choose(lang === 'en' ? 'My applications' : 'Maombi yangu');
    await phone.send(password);
    await phone.choose(LABELS[lang].withdraw);
    await phone.send('1');
    await chooseOnAnyPage(phone, lang, LABELS[lang].withdraw);
    await phone.choose(LABELS[lang].yes);
    expect(phone.last.kind).toBe('END');
    // Africa's Talking repeats a hop it got no timely answer to.
    await phone.hop(phone.text);

    const messages = await waitForSms(app.url, phone.phoneNumber, 3);
    expect(messages[2]?.text).toBe(
      lang === 'en'
        ? `CP2: ${exam} ${position} at Alpha Primary School: application withdrawn.`
        : `CP2: Ombi lako la ${exam} ${position} katika Alpha Primary School limeondolewa.`,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await inbox(app.url, phone.phoneNumber)).toHaveLength(3);
    // Through the outbox, as every other SMS.
    const queued = await app
      .db('outbound_sms')
      .where({ to_phone: phone.phoneNumber, template: 'sms.applicationWithdrawn' })
      .count<{ n: string }[]>('* as n');
    expect(Number(queued[0]?.n)).toBe(1);
    // The trail names the teacher the same way for applying and withdrawing (actors.ts), which erasure
    // relies on to find and pseudonymise both.
    const trail = (await app
      .db('application_events as e')
      .join('applications as ap', 'ap.id', 'e.application_id')
      .join('accounts as ac', 'ac.id', 'ap.account_id')
      .where('ac.phone', phone.phoneNumber)
      .orderBy('e.id')
      .select('e.status', 'e.actor')) as { status: string; actor: string }[];
    expect(trail).toEqual([
      { status: 'submitted', actor: `ussd:${phone.phoneNumber}` },
      { status: 'withdrawn', actor: `ussd:${phone.phoneNumber}` },
    ]);
  });
});

/** Applications written directly, newest first, each a minute older than the one before. */
async function insertApplications(accountId: number, statuses: string[], lang: Lang): Promise<string[][]> {
  const vacancies = (await app
    .db('vacancies as v')
    .join('positions as p', 'p.code', 'v.position')
    .orderBy('v.id')
    .limit(200)
    .select('v.id', 'v.exam', 'v.activity', 'p.name as position', 'p.name_sw as positionSw')) as {
    id: number;
    exam: string;
    activity: string;
    position: string;
    positionSw: string | null;
  }[];
  // Active ones (submitted, approved) must be of different exams and activities (one per series).
  const series = new Set<string>();
  const rows = statuses.map((status, i) => {
    const v = vacancies.find(
      (c) => !(['submitted', 'approved'].includes(status) && series.has(`${c.exam}/${c.activity}`)),
    ) as (typeof vacancies)[number];
    if (['submitted', 'approved'].includes(status)) series.add(`${v.exam}/${v.activity}`);
    vacancies.splice(vacancies.indexOf(v), 1);
    return {
      row: {
        account_id: accountId,
        vacancy_id: v.id,
        exam: v.exam,
        activity: v.activity,
        status,
        created_at: new Date(Date.now() - (i + 1) * 60_000),
      },
      shown: [v.exam, (lang === 'sw' && v.positionSw) || v.position],
    };
  });
  await app.db('applications').insert(rows.map((r) => r.row));
  return rows.map((r) => r.shown);
}

const STATUS_WORDS = {
  en: { submitted: 'submitted', approved: 'approved', withdrawn: 'withdrawn', rejected: 'rejected' },
  sw: {
    submitted: 'limewasilishwa',
    approved: 'limekubaliwa',
    withdrawn: 'limeondolewa',
    rejected: 'halikufaulu',
  },
};
type Status = keyof (typeof STATUS_WORDS)['en'];
const LIST = {
  en: { keyword: 'STATUS', label: 'Applications:', more: (n: number) => `+${n} more: dial *384*22262#` },
  sw: { keyword: 'HALI', label: 'Maombi:', more: (n: number) => `+${n} zaidi: piga *384*22262#` },
};

test.each<Lang>(['en', 'sw'])(
  'STATUS (%s) lists whole applications, newest first, with translated statuses, then how many more',
  async (lang) => {
    const { phone, accountId } = await applicant('en');
    const number = phone.phoneNumber;
    // The reply follows the keyword's language on a phone that chose none.
    await app.db('phone_preferences').where({ phone: number }).del();
    const statuses = ['submitted', 'approved', 'withdrawn', 'withdrawn', 'rejected', 'rejected'] as const;
    const shown = await insertApplications(accountId, [...statuses], lang);
    const entries = shown.map(
      ([exam, position], i) => `${exam} ${position} ${STATUS_WORDS[lang][statuses[i] as Status]}`,
    );

    await textShortCode(app.url, number, LIST[lang].keyword);
    const reply = (await waitForSms(app.url, number, 2))[1]?.text ?? '';
    expect(reply.length).toBeLessThanOrEqual(160);
    const at = reply.indexOf(` ${LIST[lang].label} `);
    expect(at).toBeGreaterThan(0);
    const summary = reply.slice(0, at);
    // As many whole entries as fit, and not one more could have.
    const list = (k: number) =>
      ` ${LIST[lang].label} ${entries.slice(0, k).join('; ')}. ${LIST[lang].more(entries.length - k)}`;
    const k = [1, 2, 3, 4, 5].find((n) => reply === summary + list(n));
    expect(k).toBeDefined();
    expect((summary + list((k as number) + 1)).length).toBeGreaterThan(160);
    expect(reply).not.toContain('...');
    if (lang === 'sw') expect(reply).not.toMatch(/submitted|approved|withdrawn|rejected/);
  },
);

test.each<Lang>(['en', 'sw'])(
  'STATUS (%s) with one application shows it whole and nothing more',
  async (lang) => {
    const { phone, accountId } = await applicant('en');
    await app.db('phone_preferences').where({ phone: phone.phoneNumber }).del();
    const [[exam, position]] = (await insertApplications(accountId, ['withdrawn'], lang)) as [string[]];
    await textShortCode(app.url, phone.phoneNumber, LIST[lang].keyword);
    const reply = (await waitForSms(app.url, phone.phoneNumber, 2))[1]?.text ?? '';
    expect(reply.endsWith(` ${LIST[lang].label} ${exam} ${position} ${STATUS_WORDS[lang].withdrawn}.`)).toBe(
      true,
    );
  },
);
