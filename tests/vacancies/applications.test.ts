// Browsing open vacancies and applying, against real PostgreSQL: the rules hold in the database, so
// concurrent submits leave one application.
import type { Db } from '../../src/db/knex';
import { createApplications } from '../../src/domain/applications';
import { createVacancies } from '../../src/domain/vacancies';
import { LEVELS, type Filter, type Level } from '../../src/domain/vacancy-types';
import { freshDatabase } from '../support/databases';
import { applicant, seedVacancies, thisYear, type Fixture } from './fixtures';
import { encryptAll } from '../../src/domain/personal-data/at-rest';
import { TEST_CIPHER } from '../support/test-app';

const PHONE = '+254712345678';
const deps = { ussdCode: '*384*22262#', smsCode: '22262' };

let db: Db;
let drop: () => Promise<void>;
let fx: Fixture;
beforeEach(async () => {
  ({ db, drop } = await freshDatabase());
  fx = await seedVacancies(db);
});
afterEach(() => drop());

const labels = async (level: Level, filter: Filter = {}) =>
  (await createVacancies(db).choices(level, filter)).map((c) => c.label);

describe('browsing', () => {
  test('each level lists only choices with open vacancies, sorted; closed, past, future and full ones never show', async () => {
    expect(await labels('exam')).toEqual(['KCSE', 'KPSEA']);
    expect(await labels('activity', { exam: 'KCSE' })).toEqual(['Marking', 'Supervision and invigilation']);
    expect(await labels('stationType', { exam: 'KCSE', activity: 'SI' })).toEqual(['Examination centre']);
    expect(await labels('position', { exam: 'KCSE', activity: 'SI', stationType: 'exam_centre' })).toEqual([
      'Invigilator',
      'Supervisor',
    ]);
    const f = { exam: 'KCSE', activity: 'SI', stationType: 'exam_centre', position: 'INV' };
    expect(await createVacancies(db).choices('county', f)).toEqual([{ value: '047', label: 'Nairobi' }]);
    expect(await createVacancies(db).choices('subCounty', { ...f, county: '047' })).toEqual([
      { value: String(fx.kasarani), label: 'Kasarani' },
      { value: String(fx.westlands), label: 'Westlands' },
    ]);
    // Counties by code; later choices in the filter are ignored.
    expect(await labels('county', { subCounty: '1' })).toEqual(['Kisumu', 'Nairobi']);
  });

  test('no dead end: every path of choices ends in open vacancies, and every open vacancy is reachable', async () => {
    const vacancies = createVacancies(db);
    const reached = new Set<number>();
    async function walk(depth: number, filter: Filter): Promise<void> {
      const level = LEVELS[depth];
      if (!level) {
        const found = (await vacancies.matching(filter)).vacancies;
        expect(found.length).toBeGreaterThan(0);
        for (const v of found) reached.add(v.id);
        return;
      }
      const choices = await vacancies.choices(level, filter);
      expect(choices.length).toBeGreaterThan(0);
      for (const c of choices) await walk(depth + 1, { ...filter, [level]: c.value });
    }
    await walk(0, {});
    const { v } = fx;
    expect([...reached].sort((a, b) => a - b)).toEqual(
      [v.inv1, v.inv2, v.sup1, v.kpsea, v.marking].sort((a, b) => a - b),
    );
  });

  test('matching lists stations with positions available (minus approved); details show a vacancy', async () => {
    const other = await applicant(db, '+254700000111', '11111111');
    await db('applications').insert({
      account_id: other,
      vacancy_id: fx.v.inv1,
      exam: 'KCSE',
      activity: 'SI',
      status: 'approved',
    });
    const vacancies = createVacancies(db);
    expect(
      (await vacancies.matching({ exam: 'KCSE', activity: 'SI', position: 'INV', county: '047' })).vacancies,
    ).toEqual([
      { id: fx.v.inv1, station: 'Alpha School', available: 4 },
      { id: fx.v.inv2, station: 'Bravo School', available: 2 },
    ]);
    const details = await vacancies.details(fx.v.inv1);
    expect(details).toEqual({
      id: fx.v.inv1,
      exam: 'KCSE',
      activity: 'Supervision and invigilation',
      station: 'Alpha School',
      stationType: 'Examination centre',
      position: 'Invigilator',
      county: 'Nairobi',
      subCounty: 'Westlands',
      available: 4,
      closes: expect.stringMatching(/^\d\d\/\d\d\/\d{4} \d\d:\d\d$/),
    });
    expect(await vacancies.details(999999)).toBeUndefined();
  });
});

describe('applying', () => {
  test('a complete profile applies: the application, its event and the confirmation SMS', async () => {
    const id = await applicant(db, PHONE, '12345678');
    const result = await createApplications(db, deps).apply(id, fx.v.inv1);
    expect(result).toEqual({ status: 'submitted', applicationId: expect.any(Number) });
    const applicationId = (result as { applicationId: number }).applicationId;
    expect(await db('applications').where({ id: applicationId }).first()).toMatchObject({
      account_id: id,
      vacancy_id: fx.v.inv1,
      exam: 'KCSE',
      activity: 'SI',
      status: 'submitted',
    });
    expect(
      await db('application_events').where({ application_id: applicationId }).select('status', 'actor'),
    ).toEqual([{ status: 'submitted', actor: `ussd:${PHONE}` }]);
    expect(
      await db('outbound_sms').where({ to_phone: PHONE }).select('template', 'language', 'params'),
    ).toEqual([
      {
        template: 'sms.applicationSubmitted',
        language: 'en',
        params: {
          exam: 'KCSE',
          position: 'Invigilator',
          station: 'Alpha School',
          code: '*384*22262#',
          sms: '22262',
        },
      },
    ]);
  });

  test('the SMS is in the language the phone chose', async () => {
    const id = await applicant(db, PHONE, '12345678');
    await db('phone_preferences').insert({ phone: PHONE, language: 'sw' });
    await createApplications(db, deps).apply(id, fx.v.inv1);
    expect(await db('outbound_sms').where({ to_phone: PHONE }).first('language')).toEqual({ language: 'sw' });
  });

  test('an incomplete profile is refused with the missing sections, and nothing is written', async () => {
    const apps = createApplications(db, deps);
    const partial = await applicant(db, PHONE, '12345678', { mpesa_name: null, kin_phone: null });
    expect(await apps.apply(partial, fx.v.inv1)).toEqual({
      status: 'profileIncomplete',
      missing: ['payment', 'nextOfKin'],
    });
    const [bare] = await db('accounts')
      .insert({ phone: '+254712000000', username: '254712000000', password_hash: 'x' })
      .returning('id');
    expect(await apps.apply((bare as { id: number }).id, fx.v.inv1)).toEqual({
      status: 'profileIncomplete',
      missing: ['personal', 'payment', 'qualification', 'workstation', 'nextOfKin'],
    });
    expect(await db('applications').where({ vacancy_id: fx.v.inv1 })).toEqual([]);
  });

  test('closed, past its closing time, not yet open, or unknown: closed; filled by approvals: full', async () => {
    const apps = createApplications(db, deps);
    const id = await applicant(db, PHONE, '12345678');
    for (const v of [fx.v.closed, fx.v.past, fx.v.future, 999999]) {
      expect(await apps.apply(id, v)).toEqual({ status: 'closed' });
    }
    expect(await apps.apply(id, fx.v.full)).toEqual({ status: 'full' });
    expect(await db('applications').where({ account_id: id })).toEqual([]);
  });

  test('a second application for the vacancy is a duplicate; another centre in the same exam and activity is refused', async () => {
    const apps = createApplications(db, deps);
    const id = await applicant(db, PHONE, '12345678');
    expect((await apps.apply(id, fx.v.inv1)).status).toBe('submitted');
    expect(await apps.apply(id, fx.v.inv1)).toEqual({ status: 'duplicate' });
    expect(await apps.apply(id, fx.v.inv2)).toEqual({ status: 'sameSeries' });
    expect(await apps.apply(id, fx.v.sup1)).toEqual({ status: 'sameSeries' });
    // Another exam, or another activity of the same exam, is a different series.
    expect((await apps.apply(id, fx.v.kpsea)).status).toBe('submitted');
    expect((await apps.apply(id, fx.v.marking)).status).toBe('submitted');
  });

  test('the database itself refuses a second active application (both partial unique indexes)', async () => {
    const id = await applicant(db, PHONE, '12345678');
    const row = { account_id: id, vacancy_id: fx.v.inv1, exam: 'KCSE', activity: 'SI', status: 'submitted' };
    await db('applications').insert(row);
    await expect(db('applications').insert({ ...row, status: 'approved' })).rejects.toMatchObject({
      code: '23505',
      constraint: 'applications_active_vacancy',
    });
    await expect(db('applications').insert({ ...row, vacancy_id: fx.v.inv2 })).rejects.toMatchObject({
      code: '23505',
      constraint: 'applications_active_series',
    });
    // Inactive ones do not count.
    await db('applications').insert({ ...row, status: 'withdrawn' });
    await db('applications').insert({ ...row, vacancy_id: fx.v.inv2, status: 'rejected' });
  });

  test('deployed to the centre in each of the previous two years: ineligible; in one of them: eligible', async () => {
    const apps = createApplications(db, deps);
    const year = thisYear();
    const twice = await applicant(db, PHONE, '12345678');
    const once = await applicant(db, '+254722222222', '22222222');
    await db('deployments').insert([
      { national_id: '12345678', duty_station: 'S1', year: year - 1 },
      { national_id: '12345678', duty_station: 'S1', year: year - 2 },
      { national_id: '22222222', duty_station: 'S1', year: year - 1 },
      { national_id: '22222222', duty_station: 'S1', year: year - 3 },
    ]);
    // Imported deployments are encrypted and hashed like profiles (at start, or by the import).
    await encryptAll(db, TEST_CIPHER);
    expect(await apps.apply(twice, fx.v.inv1)).toEqual({ status: 'ineligible' });
    expect((await apps.apply(twice, fx.v.inv2)).status).toBe('submitted');
    expect((await apps.apply(once, fx.v.inv1)).status).toBe('submitted');
  });

  test('50 concurrent submits of one application create one row; the others are duplicates', async () => {
    const id = await applicant(db, PHONE, '12345678');
    const apps = createApplications(db, deps);
    const results = await Promise.all(Array.from({ length: 50 }, () => apps.apply(id, fx.v.inv1)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 'submitted')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
    expect(await db('applications').where({ account_id: id })).toHaveLength(1);
    expect(await db('outbound_sms').where({ to_phone: PHONE })).toHaveLength(1);
  });

  test('concurrent submits to two centres of one series (no shared row lock) leave one active application', async () => {
    const id = await applicant(db, PHONE, '12345678');
    const apps = createApplications(db, deps);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apps.apply(id, i % 2 ? fx.v.inv1 : fx.v.inv2)),
    );
    expect(results.filter((r) => r.status === 'submitted')).toHaveLength(1);
    for (const r of results) expect(['submitted', 'duplicate', 'sameSeries']).toContain(r.status);
    expect(await db('applications').where({ account_id: id })).toHaveLength(1);
  });
});

describe('my applications', () => {
  test('withdraw a submitted application (event with actor), then apply again; list and SMS summary', async () => {
    const apps = createApplications(db, deps);
    const id = await applicant(db, PHONE, '12345678');
    const first = (await apps.apply(id, fx.v.inv1)) as { applicationId: number };
    const stranger = await applicant(db, '+254733333333', '33333333');
    expect(await apps.withdraw(stranger, first.applicationId, 'ussd:+254733333333')).toEqual({
      status: 'notWithdrawable',
    });

    expect(await apps.withdraw(id, first.applicationId, `ussd:${PHONE}`)).toEqual({ status: 'withdrawn' });
    expect(await apps.withdraw(id, first.applicationId, `ussd:${PHONE}`)).toEqual({
      status: 'notWithdrawable',
    });
    expect(
      await db('application_events')
        .where({ application_id: first.applicationId })
        .orderBy('id')
        .select('status', 'actor'),
    ).toEqual([
      { status: 'submitted', actor: `ussd:${PHONE}` },
      { status: 'withdrawn', actor: `ussd:${PHONE}` },
    ]);

    const again = (await apps.apply(id, fx.v.inv1)) as { status: string; applicationId: number };
    expect(again.status).toBe('submitted');
    expect(again.applicationId).not.toBe(first.applicationId);
    await apps.apply(id, fx.v.kpsea);

    const list = (await apps.list(id)).applications;
    expect(list.map((a) => [a.vacancyId, a.status])).toEqual([
      [fx.v.kpsea, 'submitted'],
      [fx.v.inv1, 'submitted'],
      [fx.v.inv1, 'withdrawn'],
    ]);
    // A page at a time, continued after the last one shown; or only what can be withdrawn.
    const page1 = await apps.list(id, { limit: 2 });
    expect(page1.applications.map((a) => a.id)).toEqual(list.slice(0, 2).map((a) => a.id));
    const second = await apps.list(id, { limit: 2, after: page1.next });
    expect(second.applications.map((a) => a.id)).toEqual([list[2]?.id]);
    expect(second.next).toBeUndefined();
    const withdrawable = (await apps.list(id, { withdrawable: true })).applications;
    expect(withdrawable.map((a) => a.status)).toEqual(['submitted', 'submitted']);
    expect(list[0]).toMatchObject({ exam: 'KPSEA', position: 'Invigilator', station: 'Bravo School' });
    expect(list[0]?.appliedOn).toMatch(/^\d\d\/\d\d\/\d{4}$/);
    expect(await apps.recentForSms(id, 'en', 2)).toEqual({
      applications: [
        { exam: 'KPSEA', position: 'Invigilator', status: 'submitted' },
        { exam: 'KCSE', position: 'Invigilator', status: 'submitted' },
      ],
      total: 3,
    });
    expect(await apps.recentForSms(stranger)).toEqual({ applications: [], total: 0 });
  });

  test('an approved application cannot be withdrawn', async () => {
    const apps = createApplications(db, deps);
    const id = await applicant(db, PHONE, '12345678');
    const { applicationId } = (await apps.apply(id, fx.v.inv1)) as { applicationId: number };
    await db('applications').where({ id: applicationId }).update({ status: 'approved' });
    expect(await apps.withdraw(id, applicationId, `ussd:${PHONE}`)).toEqual({ status: 'notWithdrawable' });
  });
});

describe('a long vacancy list', () => {
  const DAY = 24 * 3600_000;
  /** 12 invigilator vacancies in Westlands: Kilimani 1..6 (3 positions each), Lavington 1..6 (1..6). */
  async function longList(): Promise<Filter> {
    const stations = await db('duty_stations')
      .insert(
        ['Kilimani', 'Lavington'].flatMap((word) =>
          [1, 2, 3, 4, 5, 6].map((i) => ({
            code: `${word.slice(0, 3).toUpperCase()}${i}`,
            name: `${word} School ${i}`,
            type: 'exam_centre',
            county_code: '047',
            sub_county_id: fx.westlands,
          })),
        ),
      )
      .returning(['id', 'code']);
    await db('vacancies').insert(
      (stations as { id: number; code: string }[]).map((s, i) => ({
        code: `L-${s.code}`,
        exam: 'KCSE',
        activity: 'SI',
        duty_station_id: s.id,
        position: 'SUP',
        positions: s.code.startsWith('KIL') ? 3 : (i % 6) + 1,
        opens_at: new Date(Date.now() - DAY),
        closes_at: new Date(Date.now() + DAY),
        status: 'open',
      })),
    );
    return {
      exam: 'KCSE',
      activity: 'SI',
      stationType: 'exam_centre',
      position: 'SUP',
      subCounty: String(fx.westlands),
    };
  }

  test('a page at a time, most positions available first; following the cursor shows each vacancy once', async () => {
    const filter = await longList();
    const vacancies = createVacancies(db);
    const first = await vacancies.matching(filter, { limit: 5 });
    expect(first.vacancies.map((v) => v.available)).toEqual([6, 5, 4, 3, 3]);
    expect(first.next).toBeDefined();
    const seen = [...first.vacancies];
    for (let page = first; page.next;) {
      page = await vacancies.matching(filter, { limit: 5, after: page.next });
      seen.push(...page.vacancies);
    }
    // 12 new ones and Alpha School's supervisor vacancy (sup1) in Westlands.
    expect(seen).toHaveLength(13);
    expect(new Set(seen.map((v) => v.id)).size).toBe(13);
    const available = seen.map((v) => v.available);
    expect(available).toEqual([...available].sort((a, b) => b - a));
  });

  test('narrowed by the first letters of a name (any case) or by a station code; wildcards typed are letters', async () => {
    const filter = await longList();
    const vacancies = createVacancies(db);
    const names = async (search: string) =>
      (await vacancies.matching(filter, { limit: 20, search })).vacancies.map((v) => v.station).sort();
    expect(await names('kili')).toEqual([1, 2, 3, 4, 5, 6].map((i) => `Kilimani School ${i}`));
    expect(await names('Lavington School 4')).toEqual(['Lavington School 4']);
    expect(await names('lav4')).toEqual(['Lavington School 4']);
    expect(await names('%')).toEqual([]);
    expect(await names('_ilimani')).toEqual([]);
  });

  test('a station moved to another sub-county takes its vacancies with it (the browse columns follow)', async () => {
    const filter = await longList();
    const vacancies = createVacancies(db);
    await db('duty_stations').where({ code: 'KIL1' }).update({ sub_county_id: fx.kasarani });
    const inWestlands = (await vacancies.matching(filter)).vacancies.map((v) => v.station);
    expect(inWestlands).not.toContain('Kilimani School 1');
    const inKasarani = (await vacancies.matching({ ...filter, subCounty: String(fx.kasarani) })).vacancies;
    expect(inKasarani.map((v) => v.station)).toContain('Kilimani School 1');
  });
});
