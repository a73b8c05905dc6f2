// "Apply for a job": refused until the profile is complete (naming the missing sections); then the
// portal's selection, Exam → Activity → Duty station type → Position → County → Sub-county, each list
// showing only choices that still have open vacancies; the matching vacancies; one vacancy's details;
// "Confirm and submit"; the portal's confirmation (and the same by SMS, queued with the application).
import { assign, fromPromise, setup } from 'xstate';
import type { SectionId } from '../src/domain/profile-fields';
import {
  LEVELS,
  type ApplyResult,
  type Choice,
  type Filter,
  type Level,
  type VacancyCursor,
  type VacancyDetails,
  type VacancyPage,
  type VacancySummary,
} from '../src/domain/vacancy-types';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import {
  screen,
  type JourneyOutput,
  type Lang,
  type MenuInput,
  type ScreenSpec,
  type TextRef,
} from './screen';

type Context = SessionContext & {
  missing: SectionId[];
  level: Level;
  filter: Filter;
  choices: Choice[];
  /** The page of vacancies shown (never the whole list: the session record holds one page). */
  vacancies: VacancySummary[];
  /** Where the list continues after this page. */
  more?: VacancyCursor;
  /** Where the page shown starts (none on the first). */
  after?: VacancyCursor;
  /** A station code or the first letters of a station's name the list is narrowed to. */
  search?: string;
  /** The last search matched nothing. */
  noMatch?: boolean;
  vacancy?: VacancyDetails;
  refusal?: Exclude<ApplyResult['status'], 'submitted' | 'profileIncomplete'>;
  next?: JourneyOutput;
};

type Events =
  | { type: 'PROFILE' }
  | { type: 'PICK'; value: string }
  | { type: 'VACANCY'; id: number }
  | { type: 'MORE' }
  | { type: 'SEARCH' }
  | { type: 'INPUT'; value: string }
  | { type: 'BACK' }
  | { type: 'SUBMIT' };

/** Vacancies per page: with the options after them, about two screens. */
export const VACANCY_PAGE = 5;

const lastLevel = LEVELS[LEVELS.length - 1] as Level;
const nextLevel = (level: Level): Level | undefined => LEVELS[LEVELS.indexOf(level) + 1];
const previousLevel = (level: Level): Level | undefined => LEVELS[LEVELS.indexOf(level) - 1];

/** The filter without the choice made at `level` and after it. */
function filterBefore(filter: Filter, level: Level): Filter {
  return Object.fromEntries(
    Object.entries(filter).filter(([k]) => LEVELS.indexOf(k as Level) < LEVELS.indexOf(level)),
  ) as Filter;
}

// Back within the browse path is the journey's own (`back: BACK`): the previous list is queried again,
// so no screen's list is saved twice in the session.
const BACK = { type: 'BACK' } as const;

function chooseScreen(ctx: Context): ScreenSpec {
  return {
    id: `apply.choose.${ctx.level}`,
    text: `apply.choose.${ctx.level}`,
    history: false,
    back: previousLevel(ctx.level) ? BACK : undefined,
    options: ctx.choices.map((c) => ({
      label: { literal: c.label },
      event: { type: 'PICK', value: c.value },
    })),
  };
}

/**
 * A page of vacancies, most positions available first. A list longer than a page can be continued
 * ("More vacancies") or narrowed to a station code or the first letters of a name, so that any vacancy
 * of a sub-county with hundreds is a few inputs away.
 */
function vacanciesScreen(ctx: Context): ScreenSpec {
  const long = ctx.more !== undefined || ctx.after !== undefined || ctx.search !== undefined;
  return {
    id: 'apply.vacancies',
    history: false,
    back: BACK,
    text: ctx.search ? { key: 'apply.vacanciesMatching', params: { search: ctx.search } } : 'apply.vacancies',
    options: [
      ...ctx.vacancies.map((v) => ({
        label: { key: 'apply.vacancy', params: { station: v.station, available: v.available } },
        event: { type: 'VACANCY', id: v.id },
      })),
      ...(ctx.more ? [{ label: 'apply.moreVacancies', event: { type: 'MORE' } }] : []),
      ...(long ? [{ label: 'apply.search', event: { type: 'SEARCH' } }] : []),
    ],
  };
}

function searchScreen(ctx: Context): ScreenSpec {
  return {
    id: 'apply.search',
    history: false,
    back: BACK,
    notice: ctx.noMatch ? 'apply.noMatch' : undefined,
    text: 'apply.searchPrompt',
    input: { kind: 'text', min: 1, max: 40 },
  };
}

function detailsScreen(ctx: Context): ScreenSpec {
  const v = ctx.vacancy as VacancyDetails;
  const line = (key: string, value: string | number): TextRef => ({
    key: `apply.detail.${key}`,
    params: { value },
  });
  return {
    id: 'apply.details',
    history: false,
    back: BACK,
    lines: [
      line('exam', v.exam),
      line('activity', v.activity),
      line('station', v.station),
      line('position', v.position),
      line('county', v.county),
      line('subCounty', v.subCounty),
      line('available', v.available),
      line('closes', v.closes),
    ],
    options: [{ label: 'apply.confirm', event: { type: 'SUBMIT' } }],
  };
}

export function applyJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
    actors: {
      missing: fromPromise<SectionId[], { accountId: number }>(({ input }) =>
        services.profiles.missing(input.accountId),
      ),
      choices: fromPromise<Choice[], { level: Level; filter: Filter; lang: Lang }>(({ input }) =>
        services.vacancies.choices(input.level, input.filter, input.lang),
      ),
      matching: fromPromise<VacancyPage, { filter: Filter; after?: VacancyCursor; search?: string }>(
        ({ input }) =>
          services.vacancies.matching(input.filter, {
            limit: VACANCY_PAGE,
            after: input.after,
            search: input.search,
          }),
      ),
      details: fromPromise<VacancyDetails | undefined, { id: number; lang: Lang }>(({ input }) =>
        services.vacancies.details(input.id, input.lang),
      ),
      apply: fromPromise<ApplyResult, { accountId: number; vacancyId: number }>(({ input }) =>
        services.applications.apply(input.accountId, input.vacancyId),
      ),
    },
  }).createMachine({
    id: 'apply',
    context: ({ input }) => ({
      ...sessionContext(input),
      missing: [],
      level: LEVELS[0],
      filter: {},
      choices: [],
      vacancies: [],
    }),
    initial: 'checking',
    output: ({ context }) => context.next ?? {},
    states: {
      checking: {
        invoke: {
          src: 'missing',
          input: ({ context }) => ({ accountId: context.accountId as number }),
          onDone: [
            {
              guard: ({ event }) => event.output.length > 0,
              target: 'profileIncomplete',
              actions: assign({ missing: ({ event }) => event.output }),
            },
            { target: 'loadingChoices' },
          ],
        },
      },
      profileIncomplete: {
        meta: screen<Context>((ctx) => ({
          id: 'apply.profileIncomplete',
          text: 'apply.profileIncomplete',
          lines: ctx.missing.map((s) => `section.${s}`),
          history: false,
          options: [{ label: 'main.myProfile', event: { type: 'PROFILE' } }],
        })),
        on: { PROFILE: { target: 'handOver', actions: assign({ next: { next: 'profile' } }) } },
      },
      loadingChoices: {
        invoke: {
          src: 'choices',
          input: ({ context }) => ({ level: context.level, filter: context.filter, lang: context.lang }),
          onDone: [
            { guard: ({ event }) => event.output.length === 0, target: 'none' },
            { target: 'choosing', actions: assign({ choices: ({ event }) => event.output }) },
          ],
        },
      },
      choosing: {
        meta: screen<Context>(chooseScreen),
        on: {
          BACK: {
            guard: ({ context }) => previousLevel(context.level) !== undefined,
            target: 'loadingChoices',
            actions: assign({
              level: ({ context }) => previousLevel(context.level) as Level,
              filter: ({ context }) => filterBefore(context.filter, previousLevel(context.level) as Level),
            }),
          },
          PICK: [
            {
              guard: ({ context }) => context.level === lastLevel,
              target: 'loadingVacancies',
              actions: assign({
                filter: ({ context, event }) => ({ ...context.filter, [context.level]: event.value }),
                // Queried again on Back: not kept beside the vacancies.
                choices: [],
              }),
            },
            {
              target: 'loadingChoices',
              actions: assign({
                filter: ({ context, event }) => ({ ...context.filter, [context.level]: event.value }),
                level: ({ context }) => nextLevel(context.level) as Level,
              }),
            },
          ],
        },
      },
      loadingVacancies: {
        invoke: {
          src: 'matching',
          input: ({ context }) => ({ filter: context.filter, after: context.after, search: context.search }),
          onDone: [
            {
              // A search that matched nothing: asked again, saying so.
              guard: ({ context, event }) =>
                event.output.vacancies.length === 0 && context.search !== undefined,
              target: 'searching',
              actions: assign({ noMatch: true }),
            },
            { guard: ({ event }) => event.output.vacancies.length === 0, target: 'none' },
            {
              target: 'vacancies',
              actions: assign({
                vacancies: ({ event }) => event.output.vacancies,
                more: ({ event }) => event.output.next,
                noMatch: false,
              }),
            },
          ],
        },
      },
      vacancies: {
        meta: screen<Context>(vacanciesScreen),
        on: {
          VACANCY: 'loadingDetails',
          MORE: {
            guard: ({ context }) => context.more !== undefined,
            target: 'loadingVacancies',
            actions: assign({ after: ({ context }) => context.more }),
          },
          SEARCH: 'searching',
          BACK: [
            {
              // From a later page or a narrowed list: the list from its start.
              guard: ({ context }) => context.after !== undefined || context.search !== undefined,
              target: 'loadingVacancies',
              actions: assign({ after: undefined, search: undefined, more: undefined }),
            },
            {
              target: 'loadingChoices',
              actions: assign({
                level: lastLevel,
                filter: ({ context }) => filterBefore(context.filter, lastLevel),
                vacancies: [],
              }),
            },
          ],
        },
      },
      searching: {
        meta: screen<Context>(searchScreen),
        on: {
          BACK: {
            target: 'loadingVacancies',
            actions: assign({ after: undefined, search: undefined, more: undefined, noMatch: false }),
          },
          INPUT: {
            target: 'loadingVacancies',
            actions: assign({ search: ({ event }) => event.value, after: undefined, more: undefined }),
          },
        },
      },
      loadingDetails: {
        invoke: {
          src: 'details',
          input: ({ context, event }) => ({ id: (event as { id: number }).id, lang: context.lang }),
          onDone: [
            {
              guard: ({ event }) => !event.output,
              target: 'refused',
              actions: assign({ refusal: 'closed' }),
            },
            { target: 'details', actions: assign({ vacancy: ({ event }) => event.output }) },
          ],
        },
      },
      details: {
        meta: screen<Context>(detailsScreen),
        on: {
          SUBMIT: 'submitting',
          // The page the vacancy was chosen from, queried again (positions may have changed).
          BACK: { target: 'loadingVacancies', actions: assign({ vacancy: undefined }) },
        },
      },
      submitting: {
        invoke: {
          src: 'apply',
          input: ({ context }) => ({
            accountId: context.accountId as number,
            vacancyId: (context.vacancy as VacancyDetails).id,
          }),
          onDone: [
            { guard: ({ event }) => event.output.status === 'submitted', target: 'submitted' },
            {
              guard: ({ event }) => event.output.status === 'profileIncomplete',
              target: 'profileIncomplete',
              actions: assign({
                missing: ({ event }) =>
                  event.output.status === 'profileIncomplete' ? event.output.missing : [],
              }),
            },
            {
              target: 'refused',
              actions: assign({
                refusal: ({ event }) =>
                  event.output.status as Exclude<ApplyResult['status'], 'submitted' | 'profileIncomplete'>,
              }),
            },
          ],
        },
      },
      submitted: {
        type: 'final',
        meta: screen({ id: 'apply.submitted', text: 'apply.submitted', end: true }),
      },
      refused: {
        type: 'final',
        meta: screen<Context>((ctx) => ({
          id: `apply.refused.${ctx.refusal ?? 'closed'}`,
          text: `apply.refused.${ctx.refusal ?? 'closed'}`,
          end: true,
        })),
      },
      none: { type: 'final', meta: screen({ id: 'apply.none', text: 'apply.none', end: true }) },
      handOver: { type: 'final' },
    },
  });
}
