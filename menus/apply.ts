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
  type VacancyDetails,
  type VacancySummary,
} from '../src/domain/vacancy-types';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import { screen, type JourneyOutput, type MenuInput, type ScreenSpec, type TextRef } from './screen';

type Context = SessionContext & {
  missing: SectionId[];
  level: Level;
  filter: Filter;
  choices: Choice[];
  vacancies: VacancySummary[];
  vacancy?: VacancyDetails;
  refusal?: Exclude<ApplyResult['status'], 'submitted' | 'profileIncomplete'>;
  next?: JourneyOutput;
};

type Events =
  | { type: 'PROFILE' }
  | { type: 'PICK'; value: string }
  | { type: 'VACANCY'; id: number }
  | { type: 'SUBMIT' };

const lastLevel = LEVELS[LEVELS.length - 1] as Level;
const nextLevel = (level: Level): Level | undefined => LEVELS[LEVELS.indexOf(level) + 1];

function chooseScreen(ctx: Context): ScreenSpec {
  return {
    id: `apply.choose.${ctx.level}`,
    text: `apply.choose.${ctx.level}`,
    options: ctx.choices.map((c) => ({
      label: { literal: c.label },
      event: { type: 'PICK', value: c.value },
    })),
  };
}

function vacanciesScreen(ctx: Context): ScreenSpec {
  return {
    id: 'apply.vacancies',
    text: 'apply.vacancies',
    options: ctx.vacancies.map((v) => ({
      label: { key: 'apply.vacancy', params: { station: v.station, available: v.available } },
      event: { type: 'VACANCY', id: v.id },
    })),
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
      choices: fromPromise<Choice[], { level: Level; filter: Filter }>(({ input }) =>
        services.vacancies.choices(input.level, input.filter),
      ),
      matching: fromPromise<VacancySummary[], { filter: Filter }>(({ input }) =>
        services.vacancies.matching(input.filter),
      ),
      details: fromPromise<VacancyDetails | undefined, { id: number }>(({ input }) =>
        services.vacancies.details(input.id),
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
          input: ({ context }) => ({ level: context.level, filter: context.filter }),
          onDone: [
            { guard: ({ event }) => event.output.length === 0, target: 'none' },
            { target: 'choosing', actions: assign({ choices: ({ event }) => event.output }) },
          ],
        },
      },
      choosing: {
        meta: screen<Context>(chooseScreen),
        on: {
          PICK: [
            {
              guard: ({ context }) => context.level === lastLevel,
              target: 'loadingVacancies',
              actions: assign({
                filter: ({ context, event }) => ({ ...context.filter, [context.level]: event.value }),
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
          input: ({ context }) => ({ filter: context.filter }),
          onDone: [
            { guard: ({ event }) => event.output.length === 0, target: 'none' },
            { target: 'vacancies', actions: assign({ vacancies: ({ event }) => event.output }) },
          ],
        },
      },
      vacancies: {
        meta: screen<Context>(vacanciesScreen),
        on: { VACANCY: 'loadingDetails' },
      },
      loadingDetails: {
        invoke: {
          src: 'details',
          input: ({ event }) => ({ id: (event as { id: number }).id }),
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
        on: { SUBMIT: 'submitting' },
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
