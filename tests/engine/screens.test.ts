// Every screen of every menu journey, in every language, rendered the way the engine would show it:
// within 160 characters (Safaricom) and GSM-7 only, so that no screen is cut by the operator or halved to
// UCS-2. Screens are found by walking the machine definitions, so screens that later journeys add are
// covered too.
import { createActor, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { createJourneys, type MenuServices } from '../../menus';
import { copy, translate } from '../../src/domain/copy';
import { LANGS, type InputSpec, type Lang, type ScreenSpec, type TextRef } from '../../menus/screen';
import { loadConfig } from '../../src/config';
import { resumeScreen } from '../../src/engine/engine';
import { gsm7Length, isGsm7 } from '../../src/domain/gsm7';
import { renderPages } from '../../src/engine/render';
import {
  FIELD_IDS,
  FIELDS,
  SECTIONS,
  sectionFields,
  type ProfileValues,
} from '../../src/domain/profile-fields';
import { LEVELS } from '../../src/domain/vacancy-types';
import { JOURNEY_SCREENS, journeyOfScreen } from '../../src/domain/screens';
import { COUNTIES } from './machine-app';

const LIMIT = 160;
const config = loadConfig({});
const globals = { code: config.ussdServiceCode, sms: config.smsSender };
const PHONE = '+254711000001';

/** Menus must never call a service while their screens are only being listed. */
const refuse = () => Promise.reject(new Error('not expected while rendering screens'));
const services = new Proxy({} as MenuServices, {
  get: () => new Proxy({}, { get: () => refuse }),
});

/**
 * Context values that screens computed from context read (a time, a notice, whether the caller has an
 * account), at their longest. Each screen function is rendered with the machine's own initial context
 * overlaid with each of these. A screen function that needs a field not here fails below naming its
 * state: add a realistic, worst-case value for it.
 */
const SAMPLE: Record<string, unknown> = {
  phone: PHONE,
  networkCode: '63902',
  langKnown: true,
  lockedUntil: '30/12/2026 23:59',
  retryAt: '30/12/2026 23:59',
};
const VARIANTS: Record<string, unknown>[] = [
  { hasAccount: false, authenticated: false },
  { hasAccount: true, authenticated: true, accountId: 123456789 },
  ...Object.keys(copy.en)
    .filter((k) => /^(login|password)\.(wrong|trivial|mismatch)$/.test(k))
    .map((key) => ({ hasAccount: true, notice: { key, params: { left: 4 } } })),
];

/** Profile screens, at their longest: every field asked, every section reviewed with maximal values. */
const LONG_TEXT = 'Wanjiku-Kamau Mwangi-Otieno Achieng-Wafula Kiprotich-Ngugi'; // 60 characters
const WORST_VALUES: ProfileValues = {
  fullName: LONG_TEXT,
  nationalId: '12345678',
  birthYear: '1985',
  gender: 'female',
  kraPin: 'A012345678Z',
  email: `${'a'.repeat(60)}@example-domain.org`,
  mpesaPhone: '+254799999999',
  mpesaName: LONG_TEXT,
  bankName: 'Kenya Commercial Bank Group Limited Ltd.',
  bankBranch: 'Moi Avenue Branch, Nairobi Central Bus.',
  bankAccount: '12345678901234567890',
  qualificationLevel: 'certificate',
  course: LONG_TEXT,
  institution: LONG_TEXT,
  qualificationYear: '2008',
  employer: 'private',
  tscNumber: '1234567890',
  workInstitution: LONG_TEXT,
  designation: 'Deputy Principal, Academics and Exams',
  workStartYear: '2010',
  county: '028',
  subCounty: '1',
  kinName: LONG_TEXT,
  kinPhone: '+254799999999',
  kinRelationship: 'sibling',
};
const COUNTY_LIST = COUNTIES.map((name, i) => ({ code: String(i + 1).padStart(3, '0'), name }));
const SUB_COUNTIES = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  name: `Elgeyo-Marakwet South ${i + 1}`,
}));
const view = (complete: boolean) => ({
  values: WORST_VALUES,
  places: { county: 'Elgeyo-Marakwet', subCounty: SUB_COUNTIES[0]?.name },
  complete: Object.fromEntries(SECTIONS.map((sec) => [sec, complete])),
});
const profileNotices = Object.keys(copy.en).filter(
  (k) => k.startsWith('profile.error.') || k === 'profile.saved',
);
const ASKING_VARIANTS: Record<string, unknown>[] = FIELD_IDS.flatMap((id) =>
  [undefined, ...profileNotices].map((notice) => ({
    section: FIELDS[id].section,
    fields: sectionFields(FIELDS[id].section),
    fieldId: id,
    draft: WORST_VALUES,
    view: view(false),
    counties: COUNTY_LIST,
    subCounties: { county: '028', list: SUB_COUNTIES },
    notice,
  })),
);
const SECTION_VARIANTS: Record<string, unknown>[] = SECTIONS.flatMap((section) =>
  [true, false].map((complete) => ({
    section,
    fields: sectionFields(section),
    draft: WORST_VALUES,
    view: view(complete),
    counties: COUNTY_LIST,
    subCounties: { county: '028', list: SUB_COUNTIES },
    notice: 'profile.saved',
  })),
);

/** Vacancy screens at their longest: 47-entry lists, long station names, every level and refusal. */
const LONG_STATION = 'St. Mary-Magdalene Kiambu-Thika Girls National High School';
const APPLY_VARIANTS: Record<string, unknown>[] = LEVELS.flatMap((level) =>
  ['closed', 'full', 'duplicate', 'sameSeries', 'ineligible'].map((refusal) => ({
    level,
    filter: {},
    missing: [...SECTIONS],
    choices: COUNTIES.map((name, i) => ({ value: String(i + 1), label: name })),
    vacancies: Array.from({ length: 30 }, (_, i) => ({ id: i + 1, station: LONG_STATION, available: 999 })),
    vacancy: {
      id: 1,
      exam: 'Kenya Certificate of Secondary Education',
      activity: 'Supervision and invigilation',
      station: LONG_STATION,
      stationType: 'Examination centre',
      position: 'Security officer',
      county: 'Elgeyo-Marakwet',
      subCounty: 'Elgeyo-Marakwet South',
      available: 999,
      closes: '31/12/2026 23:59',
    },
    refusal,
    // A narrowed, continued list and a search that matched nothing, at their longest.
    more: { available: 1, station: LONG_STATION, id: 31 },
    search: 'W'.repeat(40),
    noMatch: true,
  })),
);
const APPLICATIONS_VARIANTS: Record<string, unknown>[] = [
  'submitted',
  'approved',
  'rejected',
  'withdrawn',
].map((status) => {
  const item = {
    id: 1,
    vacancyId: 1,
    exam: 'KCSE',
    position: 'Security officer',
    station: LONG_STATION,
    status,
    appliedOn: '29/11/2026',
  };
  return { list: Array.from({ length: 20 }, (_, i) => ({ ...item, id: i + 1 })), chosen: item };
});

/** Duties, payments and queries at their longest (issue 12): long names, every status and answer. */
const DUTY = {
  applicationId: 1,
  exam: 'KCSE',
  position: 'Security officer',
  station: LONG_STATION,
  startsOn: '2026-12-01',
  endsOn: '2026-12-31',
};
const CLAIM = (status: string) => ({
  id: 999999999,
  status,
  days: 31,
  dailyRate: 100000,
  amount: 3100000,
  reason: status === 'rejected' ? 'R'.repeat(60) : null,
  mpesaRef: status === 'paid' ? 'QGH7K2L9PZ' : null,
  updatedOn: '31/12/2026',
});
const MARKS = [
  { status: 'recorded', kind: 'in', station: LONG_STATION, at: '23:59', day: '31/12/2026' },
  { status: 'recorded', kind: 'out', station: LONG_STATION, at: '23:59', day: '31/12/2026' },
  { status: 'already', kind: 'in', station: LONG_STATION, at: '23:59', day: '31/12/2026' },
  { status: 'already', kind: 'out', station: LONG_STATION, at: '23:59', day: '31/12/2026' },
  { status: 'notCheckedIn', station: LONG_STATION, day: '31/12/2026' },
  { status: 'noDutyToday' },
  { status: 'locked', until: '23:59' },
];
const DUTIES_VARIANTS: Record<string, unknown>[] = [true, false].flatMap((today) =>
  [null, ...['pending', 'approved', 'rejected', 'paid'].map(CLAIM)].flatMap((claim) =>
    MARKS.map((result) => ({
      list: Array.from({ length: 20 }, (_, i) => ({ ...DUTY, applicationId: i + 1 })),
      more: 21,
      chosen: 1,
      kind: 'in',
      details: {
        ...DUTY,
        attendance: [],
        attended: 31,
        today,
        todayMark: today ? { day: '2026-12-31', in: '23:59', out: '23:59' } : null,
        claim,
      },
      notice: { key: 'duties.wrongCode', plural: 'left', params: { left: 2 } },
      result,
    })),
  ),
);
const PAYMENTS_VARIANTS: Record<string, unknown>[] = ['pending', 'approved', 'rejected', 'paid'].map(
  (status) => {
    const claim = { ...CLAIM(status), exam: 'KCSE', position: 'Security officer', station: LONG_STATION };
    return { list: Array.from({ length: 20 }, (_, i) => ({ ...claim, id: i + 1 })), more: 21, chosen: claim };
  },
);
const QUERIES_VARIANTS: Record<string, unknown>[] = [null, 'A'.repeat(280)].map((answer) => {
  const query = {
    id: 999999999,
    reference: 'Q999999999',
    topic: 'account',
    text: 'T'.repeat(140),
    status: answer ? 'answered' : 'open',
    answer,
    askedOn: '31/12/2026',
  };
  return {
    list: Array.from({ length: 20 }, (_, i) => ({ ...query, id: i + 1 })),
    more: 21,
    chosen: query,
    topic: 'account',
    result: { status: 'sent', reference: 'Q999999999' },
  };
});

function variantsFor(stateId: string): Record<string, unknown>[] {
  // The check-in's success screen is only reached with a mark recorded.
  if (stateId === 'duties.marked')
    return DUTIES_VARIANTS.filter((v) => (v.result as { status: string }).status === 'recorded');
  if (stateId.startsWith('duties.')) return DUTIES_VARIANTS;
  if (stateId.startsWith('payments.')) return PAYMENTS_VARIANTS;
  if (stateId.startsWith('queries.') || stateId.startsWith('askQuery.')) return QUERIES_VARIANTS;
  if (stateId.startsWith('apply.')) return APPLY_VARIANTS;
  if (stateId.startsWith('applications.') || stateId.startsWith('withdraw.')) return APPLICATIONS_VARIANTS;
  if (stateId === 'profile.asking') return ASKING_VARIANTS;
  return stateId.startsWith('profile.') ? SECTION_VARIANTS : VARIANTS;
}

const journeys = createJourneys(services);

/** A state that shows a screen, and every version of it (one per sample context for computed screens). */
type Found = { stateId: string; screens: (lang: Lang) => ScreenSpec[] };

function initialContext(machine: AnyStateMachine): Record<string, unknown> {
  return createActor(machine, { input: { phone: PHONE, networkCode: '63902' } }).getSnapshot()
    .context as Record<string, unknown>;
}

function walk(node: AnyStateNode, context: Record<string, unknown>, out: Found[]): Found[] {
  const meta = node.meta as { screen?: ScreenSpec | ((c: unknown) => ScreenSpec) } | undefined;
  const s = meta?.screen;
  if (typeof s === 'function') {
    out.push({
      stateId: node.id,
      screens: (lang) =>
        variantsFor(node.id).map((variant) => s({ ...context, ...SAMPLE, ...variant, lang })),
    });
  } else if (s) {
    out.push({ stateId: node.id, screens: () => [s] });
  }
  for (const child of Object.values(node.states)) walk(child, context, out);
  return out;
}

const screens = Object.values(journeys).flatMap((m) => walk(m.root, initialContext(m), []));

/** The longest refusal the engine could put above this screen, in this language. */
function worstNotice(lang: Lang, input?: InputSpec): string {
  const params = { min: input?.min ?? 10, max: input?.max ?? 100 };
  const candidates: TextRef[] = Object.keys(copy.en)
    .filter((k) => k.startsWith('engine.invalid'))
    .map((key) => ({ key, params }));
  if (input?.error) candidates.push(input.error);
  return candidates
    .map((ref) => translate(lang, ref, globals))
    .reduce((a, b) => (gsm7Length(b) > gsm7Length(a) ? b : a));
}

function expectAllFit(pages: string[], where: string): void {
  expect(pages.length).toBeGreaterThan(0);
  pages.forEach((page, i) => {
    const label = `${where} page ${i + 1}/${pages.length}:\n${page}`;
    expect({ label, septets: gsm7Length(page), fits: gsm7Length(page) <= LIMIT }).toMatchObject({
      label,
      fits: true,
    });
    expect({ label, chars: page.length <= LIMIT, gsm7: isGsm7(page) }).toEqual({
      label,
      chars: true,
      gsm7: true,
    });
  });
}

test('the walk finds the screens of every journey (and would find new ones)', () => {
  expect(Object.keys(journeys)).toContain('main');
  const ids = screens.flatMap((f) => f.screens('en').map((sc) => sc.id));
  expect(ids).toEqual(
    expect.arrayContaining(['main', 'profile.overview', 'language', 'main.languageSaved', 'help']),
  );
  for (const [name, machine] of Object.entries(journeys)) {
    expect({ journey: name, screens: walk(machine.root, {}, []).length > 0 }).toEqual({
      journey: name,
      screens: true,
    });
  }
});

test('the menus show exactly the screens the catalogue declares (src/domain/screens.ts)', () => {
  const shown = new Set(screens.flatMap((f) => LANGS.flatMap((lang) => f.screens(lang).map((sc) => sc.id))));
  const declared = Object.entries(JOURNEY_SCREENS)
    .filter(([journey]) => journey !== 'engine' && journey !== 'resume')
    .flatMap(([, j]) => Object.keys(j.screens));
  expect([...shown].sort()).toEqual(declared.sort());
  // The journey a screen is counted under: its machine's, except where the catalogue says otherwise.
  const byMachine = Object.entries(journeys).flatMap(([name, machine]) =>
    walk(machine.root, initialContext(machine), []).flatMap((f) =>
      f.screens('en').map((sc) => [sc.id, name, journeyOfScreen(sc.id)] as const),
    ),
  );
  const elsewhere = [...new Set(byMachine.filter(([, name, j]) => name !== j).map((x) => x.join(' ')))];
  // The withdraw menu is the applications journey in its withdraw mode.
  // Sending a query and My queries are two machines of the one queries journey.
  const exceptions = elsewhere.filter(
    (x) => !/^applications\.\w+ withdraw applications$/.test(x) && !/^queries\.\w+ askQuery queries$/.test(x),
  );
  expect(exceptions.sort()).toEqual([
    'help main help',
    'language main language',
    'login.locked changePassword login',
    'login.locked erase login',
  ]);
  expect(elsewhere.length).toBeGreaterThan(exceptions.length);
});

test('every screen function renders from the machine context plus the sample values', () => {
  for (const f of screens) {
    for (const lang of LANGS) {
      let err: unknown;
      try {
        f.screens(lang);
      } catch (e) {
        err = e;
      }
      expect({ state: f.stateId, lang, error: err ? String(err as Error) : undefined }).toEqual({
        state: f.stateId,
        lang,
        error: undefined,
      });
    }
  }
});

describe.each(LANGS)('in %s', (lang) => {
  test.each(screens.map((f) => [f.stateId, f] as const))('%s fits, whatever is around it', (_id, f) => {
    for (const screen of f.screens(lang)) {
      const where = `${screen.id} [${lang}]`;
      for (const canBack of [true, false]) {
        const pages = renderPages({ lang, screen, limit: LIMIT, canBack, globals }).map((p) => p.text);
        expectAllFit(pages, `${where} canBack=${canBack}`);
        // Every placeholder filled, nested ones too ("filling {section}" inside the resume prompt).
        expect({ where, unfilled: pages.join('\n').match(/\{\w+\}/g) }).toEqual({ where, unfilled: null });
        // Options never get lost to pagination.
        const options = pages
          .join('\n')
          .split('\n')
          .filter((l) => /^\d+\. /.test(l));
        expect(options).toHaveLength(screen.options?.length ?? 0);
        if (screen.end) {
          // An END screen is one response: all of it must be there, nothing cut off, no navigation.
          const body = [screen.notice, screen.text]
            .filter((t): t is TextRef => t !== undefined)
            .map((t) => translate(lang, t, globals));
          expect({ where, pages }).toEqual({ where, pages: [body.join('\n')] });
        }

        // The worst case: the engine's longest refusal above it (if it then needs pages, each must fit).
        const notice = worstNotice(lang, screen.input);
        const withNotice = renderPages({ lang, screen, limit: LIMIT, canBack, globals, notice }).map(
          (p) => p.text,
        );
        expectAllFit(withNotice, `${where} canBack=${canBack} + notice`);
        expect(withNotice[0]?.startsWith(notice)).toBe(true);
      }
    }
  });
});

describe.each(LANGS)("the engine's own screens in %s", (lang) => {
  test.each(['engine.expired', 'engine.apology', 'engine.busy', 'engine.tooManyErrors'])(
    '%s fits one END screen',
    (key) => {
      const text = translate(lang, key, globals);
      expect(text).not.toMatch(/\{\w+\}/);
      expectAllFit([text], key);
    },
  );

  test.each([
    ['no task', undefined],
    [
      'the longest task',
      { key: 'task.profile', params: { section: { key: 'profile.section.qualification' } } },
    ],
  ] as const)('the resume offer fits, with and without a notice (%s)', (_name, task) => {
    const resume = resumeScreen(task);
    for (const notice of [undefined, worstNotice(lang)]) {
      const pages = renderPages({ lang, screen: resume, limit: LIMIT, canBack: false, globals, notice }).map(
        (p) => p.text,
      );
      expect(pages).toHaveLength(1);
      expectAllFit(pages, 'resume');
      expect(pages[0]).not.toMatch(/\{\w+\}/);
    }
  });
});

test('every copy string in both languages is GSM-7 only', () => {
  for (const lang of LANGS) {
    for (const [key, text] of Object.entries(copy[lang])) {
      expect({ lang, key, gsm7: isGsm7(text) }).toEqual({ lang, key, gsm7: true });
    }
  }
});
