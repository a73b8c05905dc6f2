// "Apply for a job": refused until the profile is complete (naming the missing sections); then the
// portal's selection, Exam → Activity → Duty station type → Position → County → Sub-county, each list
// showing only choices that still have open vacancies (a level with one choice is taken for the user and
// named on the next screen); the matching vacancies; one vacancy's details with "Confirm and submit" on
// the same screen; the portal's confirmation (and the same by SMS, queued with the application).
// What the teacher already applied for is marked in the lists and refused where it is chosen; a refusal
// at submit (the vacancy filled meanwhile) leaves the user on a screen to choose another.
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
  /** Levels taken for the user because they had one choice: Back passes over them. */
  auto: Level[];
  /** The names of the choices taken for the user since the last screen, named on the next one. */
  only: string[];
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
  refusal?: Refusal;
  /** Why the last choice on a list was refused (an activity already applied in). */
  error?: TextRef;
  next?: JourneyOutput;
};

type Refusal = Exclude<ApplyResult['status'], 'submitted' | 'profileIncomplete'>;

type Events =
  | { type: 'PROFILE' }
  | { type: 'PICK'; value: string }
  | { type: 'VACANCY'; id: number }
  | { type: 'MORE' }
  | { type: 'SEARCH' }
  | { type: 'INPUT'; value: string }
  | { type: 'BACK' }
  | { type: 'SUBMIT' }
  | { type: 'OTHER' }
  | { type: 'APPLICATIONS' };

/** Vacancies per page: with the options after them, about two screens. */
export const VACANCY_PAGE = 5;

/** What the resume prompt says was left unfinished. */
const TASK = 'task.apply';

const lastLevel = LEVELS[LEVELS.length - 1] as Level;
const nextLevel = (level: Level): Level | undefined => LEVELS[LEVELS.indexOf(level) + 1];
/** The level Back returns to from `level` (or from the vacancies): the last one the user chose. */
const previousLevel = (ctx: Pick<Context, 'auto'>, level?: Level): Level | undefined => {
  const before = level === undefined ? [...LEVELS] : LEVELS.slice(0, LEVELS.indexOf(level));
  return before.reverse().find((l) => !ctx.auto.includes(l));
};

/** The screen's question, after the choices that were taken for the user (if any). */
function question(ctx: Context, key: string): TextRef {
  if (ctx.only.length === 0) return key;
  return { key: 'apply.onlyChoice', params: { chosen: ctx.only.join(', '), question: { key } } };
}

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
    task: TASK,
    error: ctx.error,
    text: question(ctx, `apply.choose.${ctx.level}`),
    history: false,
    back: previousLevel(ctx, ctx.level) ? BACK : undefined,
    options: ctx.choices.map((c) => ({
      label: c.applied ? { key: 'apply.applied', params: { name: c.label } } : { literal: c.label },
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
  const back = long || previousLevel(ctx) !== undefined;
  return {
    id: 'apply.vacancies',
    task: TASK,
    history: false,
    back: back ? BACK : undefined,
    text: ctx.search
      ? { key: 'apply.vacanciesMatching', params: { search: ctx.search } }
      : question(ctx, 'apply.vacancies'),
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
    task: TASK,
    history: false,
    back: BACK,
    notice: ctx.noMatch ? 'apply.noMatch' : undefined,
    text: 'apply.searchPrompt',
    input: { kind: 'text', min: 1, max: 40 },
  };
}

/**
 * One vacancy and "Confirm and submit" on one screen: the choices the user made on the way (exam,
 * activity, county) are not repeated, only what identifies the vacancy and what is left to know.
 */
function detailsScreen(ctx: Context): ScreenSpec {
  const v = ctx.vacancy as VacancyDetails;
  return {
    id: 'apply.details',
    task: TASK,
    history: false,
    back: BACK,
    text: {
      key: 'apply.details',
      params: {
        position: v.position,
        exam: v.exam,
        station: v.station,
        subCounty: v.subCounty,
        available: v.available,
        closes: v.closes,
      },
    },
    options: [{ label: 'apply.confirm', event: { type: 'SUBMIT' } }],
  };
}

/** A refusal at submit the user can act on: choose another vacancy, or see their applications. */
function refusedScreen(ctx: Context): ScreenSpec {
  const refusal = ctx.refusal ?? 'closed';
  const mine = refusal === 'duplicate' || refusal === 'sameSeries';
  return {
    id: `apply.refused.${refusal}`,
    task: TASK,
    text: `apply.refused.${refusal}`,
    history: false,
    back: BACK,
    options: [
      { label: 'apply.another', event: { type: 'OTHER' } },
      ...(mine ? [{ label: 'main.myApplications', event: { type: 'APPLICATIONS' } }] : []),
    ],
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
      choices: fromPromise<Choice[], { level: Level; filter: Filter; lang: Lang; accountId?: number }>(
        ({ input }) =>
          services.vacancies.choices(input.level, input.filter, input.lang, { accountId: input.accountId }),
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
    guards: {
      /** One choice, not already applied in: taken for the user. */
      single: ({ event }) => {
        const choices = (event as unknown as { output: Choice[] }).output;
        return choices.length === 1 && !choices[0]?.applied;
      },
    },
  }).createMachine({
    id: 'apply',
    context: ({ input }) => ({
      ...sessionContext(input),
      missing: [],
      level: LEVELS[0],
      filter: {},
      auto: [],
      only: [],
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
          task: TASK,
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
          input: ({ context }) => ({
            level: context.level,
            filter: context.filter,
            lang: context.lang,
            accountId: context.accountId,
          }),
          onDone: [
            { guard: ({ event }) => event.output.length === 0, target: 'none' },
            {
              // One choice at the last level: the vacancies of it.
              guard: ({ context, event }) =>
                context.level === lastLevel && event.output.length === 1 && !event.output[0]?.applied,
              target: 'loadingVacancies',
              actions: assign(({ context, event }) => taken(context, event.output[0] as Choice)),
            },
            {
              guard: 'single',
              target: 'loadingChoices',
              reenter: true,
              actions: assign(({ context, event }) => ({
                ...taken(context, event.output[0] as Choice),
                level: nextLevel(context.level) as Level,
              })),
            },
            {
              target: 'choosing',
              actions: assign({ choices: ({ event }) => event.output, error: undefined }),
            },
          ],
        },
      },
      choosing: {
        meta: screen<Context>(chooseScreen),
        on: {
          BACK: {
            guard: ({ context }) => previousLevel(context, context.level) !== undefined,
            target: 'loadingChoices',
            actions: assign(({ context }) => backTo(context, previousLevel(context, context.level) as Level)),
          },
          PICK: [
            {
              // An exam and activity already applied in: said here, not after the whole walk.
              guard: ({ context, event }) =>
                context.choices.some((c) => c.value === event.value && c.applied),
              target: 'choosing',
              reenter: true,
              actions: assign({ error: 'apply.activityTaken' }),
            },
            {
              guard: ({ context }) => context.level === lastLevel,
              target: 'loadingVacancies',
              actions: assign({
                filter: ({ context, event }) => ({ ...context.filter, [context.level]: event.value }),
                // Queried again on Back: not kept beside the vacancies.
                choices: [],
                only: [],
                error: undefined,
              }),
            },
            {
              target: 'loadingChoices',
              actions: assign({
                filter: ({ context, event }) => ({ ...context.filter, [context.level]: event.value }),
                level: ({ context }) => nextLevel(context.level) as Level,
                only: [],
                error: undefined,
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
                choices: [],
              }),
            },
          ],
        },
      },
      vacancies: {
        meta: screen<Context>(vacanciesScreen),
        on: {
          VACANCY: { target: 'loadingDetails', actions: assign({ only: [] }) },
          MORE: {
            guard: ({ context }) => context.more !== undefined,
            target: 'loadingVacancies',
            actions: assign({ after: ({ context }) => context.more, only: [] }),
          },
          SEARCH: { target: 'searching', actions: assign({ only: [] }) },
          BACK: [
            {
              // From a later page or a narrowed list: the list from its start.
              guard: ({ context }) => context.after !== undefined || context.search !== undefined,
              target: 'loadingVacancies',
              actions: assign({ after: undefined, search: undefined, more: undefined }),
            },
            {
              guard: ({ context }) => previousLevel(context) !== undefined,
              target: 'loadingChoices',
              actions: assign(({ context }) => ({
                ...backTo(context, previousLevel(context) as Level),
                vacancies: [],
              })),
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
              actions: assign({ refusal: ({ event }) => event.output.status as Refusal }),
            },
          ],
        },
      },
      submitted: {
        type: 'final',
        meta: screen({ id: 'apply.submitted', text: 'apply.submitted', end: true }),
      },
      refused: {
        meta: screen<Context>(refusedScreen),
        on: {
          // Another vacancy of the same list, queried again (the refused one may be gone from it).
          OTHER: { target: 'loadingVacancies', actions: assign({ vacancy: undefined, refusal: undefined }) },
          BACK: { target: 'loadingVacancies', actions: assign({ vacancy: undefined, refusal: undefined }) },
          APPLICATIONS: { target: 'handOver', actions: assign({ next: { next: 'applications' } }) },
        },
      },
      // Nothing open (any more) under the choices made: said, with Back and Home to go on from.
      none: {
        meta: screen<Context>((ctx) => ({
          id: 'apply.none',
          task: TASK,
          text: 'apply.none',
          history: false,
          back: previousLevel(ctx, ctx.level) && Object.keys(ctx.filter).length > 0 ? BACK : undefined,
        })),
        on: {
          BACK: {
            guard: ({ context }) => previousLevel(context, context.level) !== undefined,
            target: 'loadingChoices',
            actions: assign(({ context }) => backTo(context, previousLevel(context, context.level) as Level)),
          },
        },
      },
      handOver: { type: 'final' },
    },
  });
}

/** The context after a level's only choice was taken for the user. */
function taken(ctx: Context, choice: Choice): Partial<Context> {
  return {
    filter: { ...ctx.filter, [ctx.level]: choice.value },
    auto: [...ctx.auto, ctx.level],
    only: [...ctx.only, choice.label],
  };
}

/** The context for going back to `level`'s list: its choice and every later one undone. */
function backTo(ctx: Context, level: Level): Partial<Context> {
  return {
    level,
    filter: filterBefore(ctx.filter, level),
    auto: ctx.auto.filter((l) => LEVELS.indexOf(l) < LEVELS.indexOf(level)),
    only: [],
    error: undefined,
  };
}
