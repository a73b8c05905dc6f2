// The screen catalogue (src/domain/screens.ts) is the one mapping from screen ids to journeys and funnel
// milestones. These tests pin that deriving the funnel and the metric labels from it changed nothing:
// they compare it with the screen-id patterns it replaced, over every catalogued id and over random
// trails, and check that the menus show exactly the catalogued screens.
import { FIELDS, type FieldId } from '../../src/domain/profile-fields';
import { JOURNEY_SCREENS, journeyOfScreen, screenInfo } from '../../src/domain/screens';
import { JOURNEYS, journeysOf, talliesOf } from '../../src/domain/session-journeys';
import { HOP_JOURNEYS } from '../../src/metrics';

/** The metric label as it was: the first segment of the id, mapped. */
const BY_PREFIX: Record<string, string> = {
  main: 'main',
  account: 'createAccount',
  createAccount: 'createAccount',
  login: 'login',
  profile: 'profile',
  apply: 'apply',
  applications: 'applications',
  changePassword: 'changePassword',
  password: 'changePassword',
  language: 'language',
  help: 'help',
  resume: 'resume',
  engine: 'engine',
  // Added with the journey (issue 15): no older label to keep.
  erase: 'erase',
  // Added with the journeys (issue 12): no older label to keep.
  work: 'work',
  duties: 'duties',
  payments: 'payments',
  queries: 'queries',
};
const oldLabel = (id: string) => BY_PREFIX[id.split('.')[0] ?? ''] ?? 'other';

/** The funnel rules as they were written before the catalogue. */
function oldJourneysOf(screens: string[]) {
  const sectionOf = (s: string) => {
    const id = s.startsWith('profile.field.') ? s.slice('profile.field.'.length) : undefined;
    return id && id in FIELDS ? FIELDS[id as FieldId].section : undefined;
  };
  const after = (from: string, to: (s: string) => boolean) => {
    const i = screens.indexOf(from);
    return i >= 0 && screens.slice(i + 1).some(to);
  };
  const started = new Set<string>();
  const completed = new Set<string>();
  if (screens.includes('account.confirm')) {
    started.add('createAccount');
    if (after('account.confirm', (s) => s === 'account.created')) completed.add('createAccount');
  }
  if (screens.includes('login.prompt')) {
    started.add('login');
    if (after('login.prompt', (s) => !s.startsWith('login') && !s.startsWith('engine.')))
      completed.add('login');
  }
  let section: string | undefined;
  screens.forEach((s, i) => {
    const own = sectionOf(s);
    if (own) {
      section = own;
      started.add(`profile.${own}`);
    }
    // The one change made on purpose: saving the last missing section (`profile.complete`) completes it.
    if (
      (s === 'profile.overview' || s === 'profile.complete') &&
      screens[i - 1] === 'profile.confirm' &&
      section
    )
      completed.add(`profile.${section}`);
  });
  if (screens.includes('apply.choose.exam')) {
    started.add('apply');
    if (after('apply.choose.exam', (s) => s === 'apply.submitted')) completed.add('apply');
  }
  return { started, completed };
}

const IDS = Object.values(JOURNEY_SCREENS).flatMap((j) => Object.keys(j.screens));
/** The screens the old patterns knew (the erase journey came after them, with its own test below). */
const NEW_PREFIXES = ['erase.', 'work.', 'duties.', 'payments.', 'queries.'];
const OLD_IDS = IDS.filter((id) => !NEW_PREFIXES.some((p) => id.startsWith(p)));

test('the funnel journeys and metric labels are the ones the report and dashboards know', () => {
  expect(JOURNEYS).toEqual([
    'createAccount',
    'login',
    'profile.personal',
    'profile.payment',
    'profile.qualification',
    'profile.workstation',
    'profile.nextOfKin',
    'apply',
    'erase',
    'attendance',
    'queries',
  ]);
  expect(HOP_JOURNEYS).toEqual([
    'main',
    'createAccount',
    'login',
    'profile',
    'apply',
    'applications',
    'changePassword',
    'erase',
    'work',
    'duties',
    'payments',
    'queries',
    'language',
    'help',
    'resume',
    'engine',
    'other',
  ]);
});

test('every catalogued screen (and a retired one) has the metric label its id used to give', () => {
  for (const id of [...IDS, 'apply.soon', 'comingSoon', 'nonsense']) {
    expect({ id, journey: journeyOfScreen(id) }).toEqual({ id, journey: oldLabel(id) });
  }
  expect(screenInfo('profile.field.kinName')).toEqual({
    journey: 'profile',
    milestone: 'started',
    funnel: 'profile.nextOfKin',
  });
});

test('the funnel from the milestones counts every trail as the screen-id patterns did', () => {
  // A small deterministic generator: the same trails every run.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pool = [
    ...OLD_IDS,
    'apply.soon',
    'comingSoon',
    'profile.confirm',
    'profile.overview',
    'login.prompt',
  ];
  const pick = () => pool[Math.floor(next() * pool.length)] as string;
  const trails: string[][] = [
    [],
    [
      'main',
      'login.prompt',
      'profile.overview',
      'profile.field.kinName',
      'profile.confirm',
      'profile.overview',
    ],
    ['main', 'login.prompt', 'engine.timeout'],
    ['main', 'login.prompt', 'login.locked'],
    ['main', 'account.created', 'account.confirm'],
    ['profile.field.fullName', 'profile.field.mpesaName', 'profile.confirm', 'profile.overview'],
  ];
  for (let n = 0; n < 5000; n++) trails.push(Array.from({ length: 1 + Math.floor(next() * 12) }, pick));
  for (const screens of trails) {
    const now = journeysOf(screens);
    const was = oldJourneysOf(screens);
    expect({ screens, started: [...now.started].sort(), completed: [...now.completed].sort() }).toEqual({
      screens,
      started: [...was.started].sort(),
      completed: [...was.completed].sort(),
    });
  }
});

test('saving the last missing section completes it (it used to count as stopped at profile.complete)', () => {
  const trail = [
    'main',
    'login.prompt',
    'profile.overview',
    'profile.field.kinName',
    'profile.field.kinPhone',
  ];
  expect(
    journeysOf([...trail, 'profile.field.kinRelationship', 'profile.confirm', 'profile.complete']),
  ).toEqual({
    started: new Set(['login', 'profile.nextOfKin']),
    completed: new Set(['login', 'profile.nextOfKin']),
  });
  // Not without the confirmation before it.
  expect(journeysOf([...trail, 'profile.complete']).completed).toEqual(new Set(['login']));
});

test('what one session adds to the funnel', () => {
  expect(
    talliesOf(
      ['main', 'login.prompt', 'apply.choose.exam', 'apply.choose.activity'],
      'apply.choose.activity',
    ),
  ).toEqual([
    { metric: 'sessions', journey: '', screen: '' },
    { metric: 'started', journey: 'login', screen: '' },
    { metric: 'completed', journey: 'login', screen: '' },
    { metric: 'started', journey: 'apply', screen: '' },
    { metric: 'stopped', journey: 'apply', screen: 'apply.choose.activity' },
  ]);
});

test('deleting an account is a funnel journey: started on the warning, completed when it is done', () => {
  const trail = ['main', 'login.prompt', 'profile.overview', 'erase.warning', 'erase.password'];
  expect(journeysOf(trail).started.has('erase')).toBe(true);
  expect(journeysOf(trail).completed.has('erase')).toBe(false);
  expect(journeysOf([...trail, 'erase.confirm', 'erase.done']).completed.has('erase')).toBe(true);
});

test('checking in or out and sending a query are funnel journeys (issue 12)', () => {
  const duty = ['main', 'login.prompt', 'work.menu', 'duties.list', 'duties.details', 'duties.code'];
  expect(journeysOf(duty).started.has('attendance')).toBe(true);
  expect(journeysOf(duty).completed.has('attendance')).toBe(false);
  expect(journeysOf([...duty, 'duties.marked']).completed.has('attendance')).toBe(true);
  // A refusal (locked, already checked in) does not complete it.
  expect(journeysOf([...duty, 'duties.refused']).completed.has('attendance')).toBe(false);

  const query = ['main', 'login.prompt', 'work.menu', 'queries.topic', 'queries.text'];
  expect(journeysOf(query).started.has('queries')).toBe(true);
  expect(journeysOf([...query, 'queries.sent']).completed.has('queries')).toBe(true);
  expect(journeyOfScreen('payments.details')).toBe('payments');
});
