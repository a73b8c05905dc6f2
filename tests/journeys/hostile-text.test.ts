// Text a phone cannot show, typed into every free-text field of the profile over real USSD hops: what
// has a GSM-7 spelling is folded and kept folded, the rest is refused on the same screen, and no screen
// or SMS ever carries a character outside GSM-7.
import { en } from '../../src/domain/copy/en';
import { sw } from '../../src/domain/copy/sw';
import { enqueueSms } from '../../src/domain/outbox';
import { outsideGsm7, septets } from '../support/gsm7-standard';
import { inbox, textShortCode, waitForSms } from '../support/sms';
import { registeredPhone } from '../support/registered-phone';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone, type Screen } from '../support/ussd-phone';
import { revealProfileRow } from '../../src/domain/personal-data/at-rest';
import { TEST_CIPHER } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const REFUSED_EN = en['engine.invalidCharacters'];

/** What a user relies on for every screen: GSM-7 only (checked against the standard), 160 septets. */
function expectShowable(screen: Screen): void {
  expect({ text: screen.text, outside: outsideGsm7(screen.text) }).toEqual({
    text: screen.text,
    outside: [],
  });
  expect(septets(screen.text)).toBeLessThanOrEqual(160);
}

type TextStep = { field: keyof typeof FOLDED; refused: string };
/** An entry, an option chosen by its label (paging on to it), or a free-text field. */
type Step = string | { choose: string } | TextStep;

/** Each free-text field: what is typed, and how it is kept (and shown). */
const FOLDED = {
  fullName: ['Zoë O’Brien Müller–Ochieng', "Zoe O'Brien Müller-Ochieng"],
  kraPin: ['ａ０１２３４５６７８ｚ', 'A012345678Z'],
  email: ['o’neil@example.org', "o'neil@example.org"],
  mpesaName: ['Jürgen Ñandú Çelik', 'Jürgen Ñandu Çelik'],
  bankName: ['Crédit Agricole — Société', 'Crédit Agricole - Société'],
  bankBranch: ['Upper\u00a0Hill…', 'Upper Hill...'],
  course: ['B.Ed “Arts” – Kiswahili', 'B.Ed "Arts" - Kiswahili'],
  institution: ['Université Côte d’Ivoire', "Université Cote d'Ivoire"],
  workInstitution: ['Saint‐Mary’s Girls', "Saint-Mary's Girls"],
  designation: ['Head\u200b of Dept.', 'Head of Dept.'],
  kinName: ['Łukasz Ødegård', 'Lukasz Ødegård'],
} as const;

const COLUMNS: Record<keyof typeof FOLDED, string> = {
  fullName: 'full_name',
  kraPin: 'kra_pin',
  email: 'email',
  mpesaName: 'mpesa_name',
  bankName: 'bank_name',
  bankBranch: 'bank_branch',
  course: 'course',
  institution: 'institution',
  workInstitution: 'work_institution',
  designation: 'designation',
  kinName: 'kin_name',
};

/** Each section's walk: a text field gets a refused entry first, then its foldable one. */
const SECTIONS: [string, Step[]][] = [
  [
    'Personal: missing',
    [
      { field: 'fullName', refused: 'Jane 😀 Kamau' },
      String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
      '1985',
      { choose: 'Female' },
      { field: 'kraPin', refused: '中A012345678Z' },
      { field: 'email', refused: 'jane@例え.jp' },
    ],
  ],
  [
    'Payment: missing',
    [
      '1',
      { field: 'mpesaName', refused: 'Иван Петров' },
      { field: 'bankName', refused: 'بنك مصر' },
      { field: 'bankBranch', refused: 'Westlands 🏦' },
      '12345678',
    ],
  ],
  [
    'Qualification: missing',
    [
      { choose: 'Degree' },
      { field: 'course', refused: 'Education \ufffd' },
      { field: 'institution', refused: 'Καλό Σχολείο' },
      '2008',
    ],
  ],
  [
    'Workstation: missing',
    [
      { choose: 'Private' },
      { field: 'workInstitution', refused: 'Moi Girls ❤️' },
      { field: 'designation', refused: 'टीचर' },
      '2010',
      { choose: 'Nairobi' },
      '1',
    ],
  ],
  [
    'Next of kin: missing',
    [{ field: 'kinName', refused: 'John 👨‍👩‍👧 Kamau' }, '0722000111', { choose: 'Spouse' }],
  ],
];

async function walk(phone: UssdPhone, steps: Step[], seen: Screen[]): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'string') {
      seen.push(await phone.send(step));
      continue;
    }
    if ('choose' in step) {
      seen.push(await phone.chooseOnAnyPage(step.choose));
      continue;
    }
    const ask = en[`profile.ask.${step.field}`];
    expect(phone.last.text).toContain(ask);
    const refused = await phone.send(step.refused);
    seen.push(refused);
    // Refused on the same screen, with the reason, and the user can type again.
    expect(refused.kind).toBe('CON');
    expect(refused.text).toContain(REFUSED_EN);
    expect(refused.text).toContain(ask);
    seen.push(await phone.send(FOLDED[step.field][0]));
    expect(phone.last.text).not.toContain(ask);
  }
}

test('every free-text field of the profile: folded when it has a GSM-7 spelling, refused otherwise', async () => {
  const { phone, password } = await registeredPhone(app.url);
  await phone.dial();
  await phone.choose('My profile');
  await phone.send(password);
  const seen: Screen[] = [];
  for (const [section, steps] of SECTIONS) {
    seen.push(await phone.choose(section));
    await walk(phone, steps, seen);
    // The confirmation echoes the folded values.
    const pages = [phone.last];
    while (phone.last.text.includes('98 More')) pages.push(await phone.send('98'));
    seen.push(...pages);
    seen.push(await phone.chooseOnAnyPage('Confirm and save'));
    // The last section completes the profile, and says so with the way to apply.
    const completes = section === SECTIONS.at(-1)?.[0];
    expect(phone.last.text).toContain(completes ? 'Your profile is complete.' : 'Saved.');
  }
  const confirmations = seen.map((s) => s.text).join('\n');
  for (const [field, [, kept]] of Object.entries(FOLDED)) {
    if (field !== 'kraPin' && field !== 'email') expect(confirmations).toContain(kept);
  }

  // The review of a saved section shows the folded values too; editing a field is held to the rule.
  await phone.send('0'); // from "Your profile is complete." back to the overview
  await phone.choose('Qualification: done');
  seen.push(phone.last);
  expect(phone.last.text).toContain(`Institution: ${FOLDED.institution[1]}`);
  await phone.choose('Edit a field');
  await phone.choose('Course');
  seen.push(await phone.send('Bachelor of Education 📚'));
  expect(phone.last.text).toContain(REFUSED_EN);
  seen.push(await phone.send('Bachelor of Education – Arts'));
  expect(phone.last.text).toContain('Course: Bachelor of Education - Arts');

  for (const screen of seen) expectShowable(screen);

  const row = (await app.db('profiles').where({ kin_name: FOLDED.kinName[1] }).first()) as Record<
    string,
    string
  >;
  // As the service reads them: the identity fields are stored encrypted (docs/privacy.md).
  const shown = revealProfileRow(TEST_CIPHER, row);
  const stored = Object.fromEntries(
    Object.keys(FOLDED).map((f) => [f, shown[COLUMNS[f as keyof typeof FOLDED]]]),
  );
  expect(stored).toEqual({
    ...Object.fromEntries(Object.entries(FOLDED).map(([f, [, kept]]) => [f, kept])),
    course: 'Bachelor of Education - Arts',
  });
  const all = Object.values(row)
    .filter((v) => typeof v === 'string')
    .join('\n');
  expect(outsideGsm7(all)).toEqual([]);

  // Every SMS this user got (credentials, STATUS) is GSM-7 too.
  expect(await textShortCode(app.url, phone.phoneNumber, 'STATUS')).toBe(200);
  const messages = await waitForSms(app.url, phone.phoneNumber, 2);
  for (const m of messages)
    expect({ text: m.text, outside: outsideGsm7(m.text) }).toMatchObject({ outside: [] });
}, 60_000);

test('the reason is given in Kiswahili to a Kiswahili user', async () => {
  const { phone, password } = await registeredPhone(app.url);
  await phone.dial();
  await phone.choose('Language/Lugha');
  await phone.choose('Kiswahili');
  await phone.dial();
  await phone.choose(sw['main.myProfile']);
  await phone.send(password);
  await phone.choose(`${sw['section.personal']}: ${sw['profile.missing']}`);
  const refused = await phone.send('Jane 中文 Kamau');
  expect(refused.text).toContain(sw['engine.invalidCharacters']);
  expect(refused.text).toContain(sw['profile.ask.fullName']);
  expectShowable(refused);
});

test('an SMS is sent in GSM-7 whatever its parameters hold', async () => {
  const to = randomPhone();
  await enqueueSms(app.db, {
    to,
    template: 'sms.status',
    lang: 'en',
    params: {
      username: to.slice(1),
      date: '29/11/2026',
      profile: 'missing “Personal” — Payment 😀',
      applications: '',
    },
  });
  const [sms] = await waitForSms(app.url, to);
  expect(sms?.text).toContain('Profile: missing "Personal" - Payment ?.');
  expect(outsideGsm7(sms?.text ?? '')).toEqual([]);
  expect(await inbox(app.url, to)).toHaveLength(1);
});
