// The screen catalogue: every screen the USSD service shows, under the journey it belongs to, with what
// it marks in that journey's funnel. Both the `journey` label of the hop metrics and the funnel report
// are derived from this one table (docs/analytics.md); menus name their screens with these ids
// (`ScreenSpec.id` is a `ScreenId`), so a screen that is not declared here does not compile.
//
// It lives in the domain, not beside the machines, because the funnel reads screen ids stored in
// `ussd_sessions` (a season of them, and a migration rebuilds the roll-ups from them): the domain must be
// able to classify a stored trail without the menus. Screen ids are stored: never rename one.
import { FIELDS, SECTIONS, sectionFields, type FieldId } from './profile-fields';
import type { ApplyResult, Level } from './vacancy-types';
import { LEVELS } from './vacancy-types';

/**
 * What a screen marks in its journey's funnel:
 * - `started`: the journey (the funnel journey named by `funnel`, when a journey has several) is started;
 *   each counts once per session.
 * - `completed`: the funnel journey of this journey started last is completed, when this screen is shown
 *   after its start (and, with `after`, right after that screen).
 */
export type Milestone = 'started' | 'completed';

export type ScreenDeclaration = {
  milestone?: Milestone;
  /** For `started`: the funnel journey started, when it is not the journey's own name. */
  funnel?: string;
  /** For `completed`: only when shown right after this screen. */
  after?: string;
};

type JourneyDeclaration = {
  screens: Record<string, ScreenDeclaration>;
  /**
   * A journey with no success screen of its own (login hands the session to the journey it was asked
   * for): completed by going on, after its start, to a screen of another journey that is not the
   * engine's.
   */
  completedOnLeaving?: boolean;
};

/** Screens `${prefix}${key}` for each key, declared alike (or per key). */
function family<P extends string, K extends string>(
  prefix: P,
  keys: readonly K[],
  declare: (key: K) => ScreenDeclaration = () => ({}),
): Record<`${P}${K}`, ScreenDeclaration> {
  return Object.fromEntries(keys.map((k) => [`${prefix}${k}`, declare(k)])) as Record<
    `${P}${K}`,
    ScreenDeclaration
  >;
}

/** Profile fields in the order of their sections, so that the funnel lists sections in that order. */
const PROFILE_FIELDS: FieldId[] = SECTIONS.flatMap((s) => sectionFields(s));
type Refusal = Exclude<ApplyResult['status'], 'submitted' | 'profileIncomplete'>;
const REFUSALS: Refusal[] = ['closed', 'full', 'duplicate', 'sameSeries', 'ineligible'];
/** The engine's own END screens, `engine.<outcome>`. */
const ENGINE_ENDS = ['busy', 'expired', 'invalid', 'error', 'timeout'] as const;

/**
 * Every journey and its screens. The order is the order of the metric's label values and of the funnel
 * report's journeys.
 */
export const JOURNEY_SCREENS = {
  main: { screens: { main: {}, 'main.languageSaved': {} } },
  createAccount: {
    screens: {
      'account.confirm': { milestone: 'started' },
      'account.created': { milestone: 'completed' },
      'account.cancelled': {},
      'account.exists': {},
      'account.resetSent': {},
      'account.resetLimited': {},
    },
  },
  login: {
    completedOnLeaving: true,
    screens: { 'login.prompt': { milestone: 'started' }, 'login.locked': {}, 'login.noAccount': {} },
  },
  profile: {
    screens: {
      'profile.overview': { milestone: 'completed', after: 'profile.confirm' },
      ...family('profile.field.', PROFILE_FIELDS, (id) => ({
        milestone: 'started',
        funnel: `profile.${FIELDS[id].section}`,
      })),
      'profile.confirm': {},
      'profile.review': {},
      'profile.chooseField': {},
      // Saving the last missing section shows this instead of the overview.
      'profile.complete': { milestone: 'completed', after: 'profile.confirm' },
    },
  },
  apply: {
    screens: {
      'apply.profileIncomplete': {},
      ...family('apply.choose.', LEVELS, (level: Level) =>
        level === 'exam' ? { milestone: 'started' } : {},
      ),
      'apply.vacancies': {},
      'apply.search': {},
      'apply.details': {},
      ...family('apply.refused.', REFUSALS),
      'apply.submitted': { milestone: 'completed' },
      'apply.none': {},
    },
  },
  applications: {
    screens: {
      'applications.list': {},
      'applications.withdrawList': {},
      'applications.details': {},
      'applications.none': {},
      'applications.confirmWithdraw': {},
      'applications.withdrawn': {},
      'applications.notWithdrawable': {},
    },
  },
  changePassword: {
    screens: { 'password.current': {}, 'password.new': {}, 'password.confirm': {}, 'password.changed': {} },
  },
  erase: {
    screens: {
      'erase.warning': { milestone: 'started' },
      'erase.password': {},
      'erase.confirm': {},
      'erase.done': { milestone: 'completed' },
      'erase.paymentDue': {},
    },
  },
  // After the application (issue 12): the hub under "My duties and pay", and its four journeys.
  work: { screens: { 'work.menu': {} } },
  duties: {
    screens: {
      'duties.list': {},
      'duties.none': {},
      'duties.details': {},
      'duties.code': { milestone: 'started', funnel: 'attendance' },
      'duties.marked': { milestone: 'completed' },
      'duties.refused': {},
    },
  },
  payments: { screens: { 'payments.list': {}, 'payments.none': {}, 'payments.details': {} } },
  queries: {
    screens: {
      'queries.topic': { milestone: 'started' },
      'queries.text': {},
      'queries.sent': { milestone: 'completed' },
      'queries.list': {},
      'queries.none': {},
      'queries.details': {},
    },
  },
  language: { screens: { language: {} } },
  help: { screens: { help: {} } },
  resume: { screens: { resume: {} } },
  engine: { screens: family('engine.', ENGINE_ENDS) },
} satisfies Record<string, JourneyDeclaration>;

export type Journey = keyof typeof JOURNEY_SCREENS;
type Screens<J extends Journey> = Extract<keyof (typeof JOURNEY_SCREENS)[J]['screens'], string>;
/** The id of a screen the service shows. */
export type ScreenId = { [J in Journey]: Screens<J> }[Journey];

/** Screens earlier versions showed: not shown any more, still read in stored trails. */
const RETIRED: Record<string, Journey> = { 'apply.soon': 'apply' };

export const JOURNEYS = Object.keys(JOURNEY_SCREENS) as Journey[];

export type ScreenInfo = { journey: Journey } & ScreenDeclaration;

const INFO = new Map<string, ScreenInfo>();
for (const journey of JOURNEYS) {
  for (const [id, d] of Object.entries(
    JOURNEY_SCREENS[journey].screens as Record<string, ScreenDeclaration>,
  )) {
    if (INFO.has(id)) throw new Error(`screen ${id} is declared twice`);
    INFO.set(id, { journey, ...d });
  }
}
for (const [id, journey] of Object.entries(RETIRED)) INFO.set(id, { journey });

/** What the catalogue says about a screen id (undefined for an id it does not know). */
export function screenInfo(id: string): ScreenInfo | undefined {
  return INFO.get(id);
}

/** The journey a screen belongs to; `other` for an id the catalogue does not know. */
export function journeyOfScreen(id: string): Journey | 'other' {
  return INFO.get(id)?.journey ?? 'other';
}

/** Whether a journey is completed by leaving it (see `completedOnLeaving`). */
export function completedOnLeaving(journey: Journey): boolean {
  return (JOURNEY_SCREENS[journey] as JourneyDeclaration).completedOnLeaving === true;
}

/** The funnel journeys, in catalogue order: what the `started` screens start. */
export const FUNNEL_JOURNEYS: string[] = [
  ...new Set([...INFO.values()].filter((s) => s.milestone === 'started').map((s) => s.funnel ?? s.journey)),
];
