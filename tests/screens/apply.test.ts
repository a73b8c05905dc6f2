// "Apply for a job" and "My applications" screen by screen on the fast phone, over vacancies each test
// sets itself (not the demo data): the six lists and the choices taken for the user, long lists (paged,
// continued, narrowed), the details with Confirm on one screen, every refusal where the user can act on it,
// the activity already applied in, and withdrawing. What Postgres decides (open, full, duplicate under
// concurrency, the SMS queued with the application, Nairobi time of a stored closing time) stays in
// tests/vacancies/applications.test.ts and tests/journeys/apply.test.ts.
import { keys } from '../../src/engine/session-store';
import {
  ACTIVITIES,
  COMPLETE_PROFILE,
  COUNTIES,
  EXAMS,
  POSITIONS,
  STATION_TYPES,
  county,
  subCounty,
  type FakeVacancy,
  type FakeWorld,
} from '../support/fake-services';
import { testPhone, type TestPhone } from '../support/test-phone';

const PASSWORD = '482913';
const INVALID = 'Invalid choice. Enter a number below.';
const VACANCIES = 'Vacancies (positions available):';
const SUBMITTED =
  'Thank you for submitting your application. The application shall be reviewed, and you shall be notified shortly!';

/** A phone whose account has a complete profile. */
function applicant(): TestPhone {
  const phone = testPhone();
  phone.world.addAccount(phone.number, PASSWORD, COMPLETE_PROFILE);
  return phone;
}

const accountOf = (phone: TestPhone) => phone.world.account(phone.number)?.id as number;

/** The size of the session record as the store holds it: a page and a cursor, never the list. */
const recordBytes = async (phone: TestPhone) =>
  Buffer.byteLength((await phone.service.store.get(keys.session(phone.sessionId))) ?? '');

/** Two choices at every level: 64 vacancies, so that no level is taken for the user. */
function everyPath(world: FakeWorld): void {
  for (const exam of [EXAMS.KCSE, EXAMS.KPSEA])
    for (const activity of [ACTIVITIES.supervision, ACTIVITIES.marking])
      for (const stationType of [STATION_TYPES.exam_centre, STATION_TYPES.marking_centre])
        for (const position of [POSITIONS.supervisor, POSITIONS.invigilator])
          for (const [c, s] of [
            ['Nairobi', 'Westlands'],
            ['Mombasa', 'Changamwe'],
          ] as const)
            for (const sub of [s, c === 'Nairobi' ? 'Kasarani' : 'Jomvu'])
              world.addVacancy({
                exam,
                activity,
                stationType,
                position,
                county: county(c),
                subCounty: subCounty(c, sub),
                station: {
                  code: `S${world.vacancies.length}`,
                  name: `${sub} Centre ${world.vacancies.length}`,
                },
                positions: 3,
              });
}

describe('browsing', () => {
  test('six lists in the portal’s order, each with only what has open vacancies, then the vacancies', async () => {
    const phone = applicant();
    everyPath(phone.world);
    await phone
      .dial()
      .press('Apply for a job')
      .type(PASSWORD)
      .expectScreen('Choose the exam:\n1. KCSE\n2. KPSEA\n0 Back 00 Home')
      .press('KCSE')
      .expectScreen('Choose the activity:\n1. Marking\n2. Supervision and invigilation\n0 Back 00 Home')
      .press('Supervision')
      .expectScreen(
        'Choose the type of duty station:\n1. Examination centre\n2. Marking centre\n0 Back 00 Home',
      )
      .press('Examination centre')
      .expectScreen('Choose the position:\n1. Invigilator\n2. Supervisor\n0 Back 00 Home')
      .press('Supervisor')
      .expectScreen('Choose the county:\n1. Mombasa\n2. Nairobi\n0 Back 00 Home')
      .press('Nairobi')
      .expectScreen('Choose the sub-county:\n1. Kasarani\n2. Westlands\n0 Back 00 Home')
      .press('Westlands')
      .expectFirstLine(VACANCIES)
      .expectOptions('Westlands Centre 0 (3)')
      // Back walks the lists back, one at a time.
      .back()
      .expectSee('Choose the sub-county:')
      .back()
      .expectSee('Choose the county:');
  });

  test('a level with one choice is taken for the user and named above the next question', async () => {
    const phone = applicant();
    phone.world.addVacancy({ station: { code: 'W1', name: 'Westlands Girls' } });
    phone.world.addVacancy({
      county: county('Mombasa'),
      subCounty: subCounty('Mombasa', 'Changamwe'),
      station: { code: 'M1', name: 'Changamwe Boys' },
    });
    await phone
      .dial()
      .press('Apply for a job')
      .type(PASSWORD)
      .expectScreen(
        'KCSE, Supervision and invigilation, Examination centre, Supervisor (only choice).\nChoose the county:\n1. Mombasa\n2. Nairobi\n0 Back 00 Home',
      )
      .press('Nairobi')
      .expectScreen(`Westlands (only choice).\n${VACANCIES}\n1. Westlands Girls (1)\n0 Back 00 Home`)
      // Back passes over the levels taken for the user.
      .back()
      .expectSee('Choose the county:');
  });

  test('a county list longer than a page: every page fits, every county can be chosen from its page, and leads on', async () => {
    const phone = applicant();
    for (const c of Object.keys(FIRST_SUB_COUNTY))
      phone.world.addVacancy({ county: county(c), subCounty: subCounty(c, FIRST_SUB_COUNTY[c] as string) });
    await phone.dial().press('Apply for a job').type(PASSWORD).expectSee('Choose the county:').walkPages();
    expect(phone.pages.length).toBeGreaterThan(1);
    const counties = phone.pages.flatMap((p) => p.split('\n').filter((l) => /^\d+\. /.test(l)));
    expect(counties).toHaveLength(14);
    // The last county, chosen from the last page, leads to its sub-county's vacancies.
    await phone.press('Uasin Gishu').expectSee(VACANCIES);
  });

  test('all 47 counties: offered over the pages, the session record small; Back queries the list again from its first page', async () => {
    const phone = applicant();
    for (const c of COUNTIES)
      phone.world.addVacancy({ county: c, subCounty: { id: Number(c.code), name: `${c.name} Central` } });
    phone.world.addVacancy({ subCounty: subCounty('Nairobi', 'Kasarani') });
    await phone.dial().press('Apply for a job').type(PASSWORD).expectSee('Choose the county:').walkPages();
    expect(phone.pages.join('\n').match(/^\d+\. /gm)).toHaveLength(47);
    expect(await recordBytes(phone)).toBeLessThan(4096);
    await phone
      .press('Nairobi')
      .expectSee('Choose the sub-county:')
      .expectOptions('Kasarani', 'Nairobi Central');
    expect(await recordBytes(phone)).toBeLessThan(4096);
    await phone.back().expectSee('Choose the county:').expectSee('1. Mombasa');
  });

  test('nothing open under the choices made: said, with Back and Home (no dead end)', async () => {
    const phone = applicant();
    await phone
      .dial()
      .press('Apply for a job')
      .type(PASSWORD)
      .expectScreen('There are no open vacancies right now. Please check again later.\n0 Back 00 Home');
  });

  test('closed, past closing time and filled vacancies are never offered', async () => {
    const phone = applicant();
    phone.world.addVacancy({ status: 'closed' });
    phone.world.addVacancy({ closesAt: new Date(Date.now() - 60_000) });
    const full = phone.world.addVacancy();
    phone.world.addApplication({ accountId: 1, vacancyId: full.id, status: 'approved' });
    await phone
      .dial()
      .press('Apply for a job')
      .type(PASSWORD)
      .expectSee('There are no open vacancies right now.');
  });
});

/** A sub-county of each of 14 counties, for a county list longer than a page. */
const FIRST_SUB_COUNTY: Record<string, string> = {
  Mombasa: 'Changamwe',
  Nairobi: 'Westlands',
  Kisumu: 'Kisumu Central',
  Nakuru: 'Nakuru Town East',
  Machakos: 'Machakos Town',
  Kiambu: 'Thika Town',
  'Uasin Gishu': 'Kapseret',
  Turkana: 'Turkana Central',
  Kericho: 'Ainamoi',
  Bomet: 'Bomet Central',
  Kakamega: 'Lurambi',
  Vihiga: 'Vihiga',
  Bungoma: 'Kanduyi',
  Busia: 'Matayos',
};

/** Dial, log in through Apply for a job, and take the only path to the one vacancy's details. */
function toDetails(phone: TestPhone, vacancy: FakeVacancy): TestPhone {
  return phone
    .dial()
    .press('Apply for a job')
    .type(PASSWORD)
    .press(`${vacancy.station.name} (`)
    .expectSee('Confirm and submit');
}

describe('details and submit', () => {
  test("the vacancy's details and Confirm and submit are one screen; a number not on it is refused and nothing is applied", async () => {
    const phone = applicant();
    const v = phone.world.addVacancy({
      position: POSITIONS.invigilator,
      station: { code: 'NBI-EC01', name: 'Dagoretti North Boys High School' },
      subCounty: subCounty('Nairobi', 'Dagoretti North'),
      positions: 5,
      closesAt: new Date('2027-03-31T20:59:00Z'),
    });
    await toDetails(phone, v)
      .expectScreen(
        'Invigilator, KCSE\nDagoretti North Boys High School, Dagoretti North\n5 available, closes 31/03/2027 23:59\n1. Confirm and submit\n0 Back 00 Home',
      )
      .type('2')
      .expectCon()
      .expectFirstLine(INVALID)
      .expectSee('1. Confirm and submit');
    expect(phone.world.calls).not.toContain('applications.apply');
    await phone.press('Confirm and submit').expectEnd().expectScreen(SUBMITTED);
    expect(phone.world.applicationsOf(accountOf(phone))).toEqual([
      expect.objectContaining({ vacancyId: v.id, status: 'submitted' }),
    ]);
  });

  test('in Kiswahili: the lists, the details and the confirmation', async () => {
    const phone = applicant();
    phone.world.languages.set(phone.number, 'sw');
    const v = phone.world.addVacancy({ station: { code: 'W1', name: 'Westlands Girls' } });
    await phone
      .dial()
      .press('Omba kazi')
      .type(PASSWORD)
      .expectSee('KCSE, Usimamizi na uangalizi wa mtihani, Kituo cha mtihani, Msimamizi')
      .press(`${v.station.name} (`)
      .expectSee('Msimamizi, KCSE')
      .press('Thibitisha na uwasilishe')
      .expectEnd()
      .expectScreen('Asante kwa kuwasilisha ombi lako. Litakaguliwa na utaarifiwa hivi karibuni.');
  });

  // Each refusal at submit is said where the user can act on it: another vacancy of the same list, or
  // (for an application of their own) My applications.
  test.each([
    ['closed', 'This vacancy is closed for applications.\n1. Choose another vacancy\n0 Back 00 Home'],
    ['full', 'All positions of this vacancy have been filled.\n1. Choose another vacancy\n0 Back 00 Home'],
    [
      'duplicate',
      'You have already applied for this vacancy. See My applications.\n1. Choose another vacancy\n2. My applications\n0 Back 00 Home',
    ],
    [
      'sameSeries',
      'You already have an application for this exam and activity. Withdraw it first to apply here.\n1. Choose another vacancy\n2. My applications\n0 Back 00 Home',
    ],
    [
      'ineligible',
      'You cannot be deployed to the same centre as in each of the last two years.\n1. Choose another vacancy\n0 Back 00 Home',
    ],
  ] as const)('refused at submit as %s: said, with a way on', async (refusal, screen) => {
    const phone = applicant();
    const v = phone.world.addVacancy();
    phone.world.addVacancy({ station: { code: 'X2', name: 'Another School' } });
    await toDetails(phone, v).do((p) => {
      p.world.nextApplyRefusal = refusal;
    });
    await phone.press('Confirm and submit').expectCon().expectScreen(screen).press('Choose another vacancy');
    await phone.expectFirstLine(VACANCIES).expectSee('Another School (1)');
  });

  test('a vacancy closed while the user looked at it: refused, and the list again without it', async () => {
    const phone = applicant();
    const v = phone.world.addVacancy();
    await toDetails(phone, v).do(() => {
      v.status = 'closed';
    });
    await phone
      .press('Confirm and submit')
      .expectFirstLine('This vacancy is closed for applications.')
      .press('Choose another vacancy')
      .expectScreen('There are no open vacancies right now. Please check again later.\n0 Back 00 Home');
  });

  test('a duplicate found at submit leads to My applications', async () => {
    const phone = applicant();
    const v = phone.world.addVacancy();
    await toDetails(phone, v).do((p) => {
      p.world.addApplication({ accountId: accountOf(p), vacancyId: v.id, status: 'submitted' });
    });
    await phone
      .press('Confirm and submit')
      .expectFirstLine('You have already applied for this vacancy. See My applications.')
      .press('My applications')
      .expectSee('My applications:')
      .expectSee('1. KCSE Supervisor: submitted');
  });
});

describe('an activity already applied in', () => {
  test('is marked in the list and refused where it is chosen, not at the end', async () => {
    const phone = applicant();
    const v = phone.world.addVacancy();
    phone.world.addVacancy({ activity: ACTIVITIES.marking, station: { code: 'MK1', name: 'Marking Hall' } });
    phone.world.addApplication({ accountId: accountOf(phone), vacancyId: v.id, status: 'submitted' });
    await phone
      .dial()
      .press('Apply for a job')
      .type(PASSWORD)
      .expectScreen(
        'KCSE (only choice).\nChoose the activity:\n1. Marking\n2. Supervision and invigilation (applied)\n0 Back 00 Home',
      )
      .press('Supervision and invigilation (applied)')
      .expectCon()
      .expectFirstLine('You already applied in this activity. Withdraw that application first.')
      .expectSee('2. Supervision and invigilation (applied)')
      // Another activity can be chosen.
      .press('Marking')
      .expectSee('Marking Hall (1)');
  });

  test('in Kiswahili: marked and refused where it is chosen', async () => {
    const phone = applicant();
    phone.world.languages.set(phone.number, 'sw');
    const v = phone.world.addVacancy();
    phone.world.addVacancy({ activity: ACTIVITIES.marking });
    phone.world.addApplication({ accountId: accountOf(phone), vacancyId: v.id, status: 'submitted' });
    await phone
      .dial()
      .press('Omba kazi')
      .type(PASSWORD)
      // Sorted by the Kiswahili names.
      .expectOptions('Usahihishaji', 'Usimamizi na uangalizi wa mtihani (umeomba)')
      .press('(umeomba)')
      .expectCon()
      .expectSee('(umeomba)')
      .expectNotSee(/^Chagua shughuli:/);
  });
});

describe('a long list of vacancies', () => {
  const WORDS = [
    'Amani',
    'Baraka',
    'Chania',
    'Dagoretti',
    'Faraja',
    'Gatundu',
    'Huruma',
    'Imani',
    'Jamhuri',
    'Zawadi',
  ];

  /** 60 stations in one sub-county, with 1 to 6 positions each. */
  function sixtyStations(phone: TestPhone): TestPhone {
    for (let i = 0; i < 60; i++)
      phone.world.addVacancy({
        station: { code: `LL${String(i).padStart(3, '0')}`, name: `${WORDS[i % WORDS.length]} School ${i}` },
        positions: (i % 6) + 1,
      });
    return phone.dial().press('Apply for a job').type(PASSWORD).expectSee(VACANCIES);
  }

  /** The vacancies on every page of the list screen. */
  const listed = (phone: TestPhone) =>
    phone.pages.flatMap((p) => p.split('\n').filter((l) => /^\d+\. .* School \d+ \(\d+\)$/.test(l)));

  test('the most positions first, five at a time, continued and narrowed; the session stays small', async () => {
    const phone = applicant();
    await sixtyStations(phone).walkPages();
    const first = listed(phone);
    expect(first.map((l) => /\((\d+)\)$/.exec(l)?.[1])).toEqual(['6', '6', '6', '6', '6']);
    expect(phone.pages.join('\n')).toMatch(/\d+\. More vacancies/);
    expect(phone.pages.join('\n')).toMatch(/\d+\. Find a station by name or code/);
    expect(await recordBytes(phone)).toBeLessThan(4096);
    await phone.press('More vacancies').walkPages();
    const second = listed(phone);
    expect(second).toHaveLength(5);
    expect(second.filter((l) => first.includes(l))).toEqual([]);
    expect(await recordBytes(phone)).toBeLessThan(4096);
  });

  test('any vacancy is a few inputs away: by the first letters of the name, or by the code', async () => {
    const phone = applicant();
    await sixtyStations(phone);
    const before = phone.inputs.length;
    await phone
      .press('Find a station')
      .expectSee("Type the first letters of the station's name")
      .type('zawadi school 59')
      .press('Zawadi School 59')
      .expectSee('\nZawadi School 59, Westlands\n');
    expect(phone.inputs.length - before).toBeLessThanOrEqual(6);
    await phone
      .back()
      .back()
      .expectNotSee('"zawadi')
      .press('Find a station')
      .type('ll041')
      .expectFirstLine('Vacancies at "ll041" (positions available):')
      .press('School 41')
      .expectSee('\nBaraka School 41, Westlands\n');
  });

  test('a search that matches nothing says so and asks again, on the same screen', async () => {
    const phone = applicant();
    await sixtyStations(phone)
      .press('Find a station')
      .type('Nowhere')
      .expectCon()
      .expectFirstLine('No open vacancy at a station with that name or code.')
      .expectSee("Type the first letters of the station's name")
      .type('Huruma')
      .walkPages();
    expect(listed(phone).every((l) => l.includes('Huruma School'))).toBe(true);
  });
});

describe('my applications', () => {
  test('listed with their status; one withdrawn with a confirmation; then none left to withdraw', async () => {
    const phone = applicant();
    const v = phone.world.addVacancy({ station: { code: 'W1', name: 'Westlands Girls' } });
    phone.world.addApplication({ accountId: accountOf(phone), vacancyId: v.id, status: 'submitted' });
    await phone
      .dial()
      .press('My applications')
      .type(PASSWORD)
      .expectScreen(
        'My applications:\n1. KCSE Supervisor: submitted\n2. Withdraw application\n0 Back 00 Home',
      )
      .press('KCSE Supervisor')
      .expectSee('Status: submitted')
      .press('Withdraw application')
      .expectSee('Withdraw your application for Supervisor at Westlands Girls?')
      .press('Yes, withdraw it')
      .expectEnd('Your application has been withdrawn.')
      .dial()
      .press('My applications')
      .type(PASSWORD)
      .press('Withdraw application')
      .expectSee('You have no application that can be withdrawn.')
      .press('My applications')
      .expectSee('1. KCSE Supervisor: withdrawn');
  });

  test('none yet: said, with the way to apply', async () => {
    await applicant()
      .dial()
      .press('My applications')
      .type(PASSWORD)
      .expectScreen('You have no applications yet.\n1. Apply for a job\n0 Back 00 Home');
  });

  test('300 applications: a page at a time, five to a page; Withdraw lists only the one still submitted', async () => {
    const phone = applicant();
    const v = phone.world.addVacancy();
    for (let i = 0; i < 300; i++)
      phone.world.addApplication({
        accountId: accountOf(phone),
        vacancyId: v.id,
        status: i === 0 ? 'submitted' : 'withdrawn',
        createdAt: new Date(Date.now() - i * 60_000),
      });
    await phone.dial().press('My applications').type(PASSWORD);
    let shown = 0;
    for (let page = 0; page < 3; page++) {
      await phone.walkPages();
      shown += phone.pages.join('\n').match(/^\d+\. KCSE Supervisor: /gm)?.length ?? 0;
      await phone.press('More applications');
    }
    expect(shown).toBe(15);
    await phone
      .dialFresh()
      // Withdrawing is under My applications (the main menu groups the applications' actions there).
      .press('My applications')
      .type(PASSWORD)
      .press('Withdraw application')
      .expectFirstLine('Choose the application to withdraw:')
      .expectNotSee('More applications')
      .expectNotSee(': withdrawn')
      .expectOptions('KCSE Supervisor: submitted');
  });
});
