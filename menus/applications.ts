// "My applications" (every application with its status, paged; one chosen shows its details and, while
// it is submitted, "Withdraw application" with a confirmation) and "Withdraw application" (the same,
// listing only what can still be withdrawn).
import { assign, fromPromise, setup } from 'xstate';
import { teacherActor } from '../src/domain/actors';
import { isUndecided } from '../src/domain/application-status';
import type {
  ApplicationCursor,
  ApplicationPage,
  ApplicationSummary,
  WithdrawResult,
} from '../src/domain/vacancy-types';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import { screen, type JourneyOutput, type Lang, type MenuInput, type ScreenSpec } from './screen';

type Context = SessionContext & {
  /** The page shown (the session keeps one page, whatever the number of applications). */
  list: ApplicationSummary[];
  /** Where the list continues after this page; where this page starts. */
  more?: ApplicationCursor;
  after?: ApplicationCursor;
  chosen?: ApplicationSummary;
  next?: JourneyOutput;
};
type Events =
  | { type: 'OPEN'; id: number }
  | { type: 'MORE' }
  | { type: 'WITHDRAW' }
  | { type: 'CONFIRM' }
  | { type: 'GO'; journey: string };

/** Applications per page: with "More applications", about two screens. */
export const APPLICATIONS_PAGE = 5;

export function applicationsJourney(services: MenuServices, mode: 'all' | 'withdraw') {
  const task = mode === 'all' ? 'task.applications' : 'task.withdraw';
  // Where a screen with nothing to act on leads: to applying, or to the whole list.
  const goOn =
    mode === 'all'
      ? { label: 'main.apply', event: { type: 'GO', journey: 'apply' } }
      : { label: 'main.myApplications', event: { type: 'GO', journey: 'applications' } };
  const listScreen = (ctx: Context): ScreenSpec => ({
    id: mode === 'all' ? 'applications.list' : 'applications.withdrawList',
    task,
    text: mode === 'all' ? 'applications.title' : 'applications.titleWithdraw',
    options: [
      ...ctx.list.map((a) => ({
        label: {
          key: 'applications.item',
          params: { exam: a.exam, position: a.position, status: { key: `applications.status.${a.status}` } },
        },
        event: { type: 'OPEN', id: a.id },
      })),
      ...(ctx.more ? [{ label: 'applications.more', event: { type: 'MORE' } }] : []),
      // Withdrawing is reached from here (the main menu groups it with the applications).
      ...(mode === 'all' ? [{ label: 'main.withdraw', event: { type: 'GO', journey: 'withdraw' } }] : []),
    ],
  });
  const detailScreen = (ctx: Context): ScreenSpec => {
    const a = ctx.chosen as ApplicationSummary;
    return {
      id: 'applications.details',
      task,
      lines: [
        { key: 'apply.detail.exam', params: { value: a.exam } },
        { key: 'apply.detail.position', params: { value: a.position } },
        { key: 'apply.detail.station', params: { value: a.station } },
        { key: 'applications.detail.status', params: { value: { key: `applications.status.${a.status}` } } },
        { key: 'applications.detail.applied', params: { value: a.appliedOn } },
      ],
      options: isUndecided(a.status) ? [{ label: 'applications.withdraw', event: { type: 'WITHDRAW' } }] : [],
    };
  };

  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
    actors: {
      list: fromPromise<ApplicationPage, { accountId: number; after?: ApplicationCursor; lang: Lang }>(
        ({ input }) =>
          services.applications.list(input.accountId, {
            limit: APPLICATIONS_PAGE,
            after: input.after,
            withdrawable: mode === 'withdraw',
            lang: input.lang,
          }),
      ),
      withdraw: fromPromise<WithdrawResult, { accountId: number; applicationId: number; actor: string }>(
        ({ input }) => services.applications.withdraw(input.accountId, input.applicationId, input.actor),
      ),
    },
  }).createMachine({
    id: mode === 'all' ? 'applications' : 'withdraw',
    context: ({ input }) => ({ ...sessionContext(input), list: [] }),
    initial: 'loading',
    output: ({ context }) => context.next ?? {},
    on: {
      GO: { target: '.handOver', actions: assign({ next: ({ event }) => ({ next: event.journey }) }) },
    },
    states: {
      loading: {
        invoke: {
          src: 'list',
          input: ({ context }) => ({
            accountId: context.accountId as number,
            after: context.after,
            lang: context.lang,
          }),
          onDone: [
            { guard: ({ event }) => event.output.applications.length === 0, target: 'none' },
            {
              target: 'list',
              actions: assign({
                list: ({ event }) => event.output.applications,
                more: ({ event }) => event.output.next,
              }),
            },
          ],
        },
      },
      // Nothing to show: said, with the way on (not the end of the session).
      none: {
        meta: screen({
          id: 'applications.none',
          task,
          text: mode === 'all' ? 'applications.none' : 'applications.noneToWithdraw',
          history: false,
          options: [goOn],
        }),
      },
      list: {
        meta: screen<Context>(listScreen),
        on: {
          OPEN: {
            target: 'details',
            actions: assign({ chosen: ({ context, event }) => context.list.find((a) => a.id === event.id) }),
          },
          MORE: {
            guard: ({ context }) => context.more !== undefined,
            target: 'loading',
            actions: assign({ after: ({ context }) => context.more }),
          },
        },
      },
      details: {
        meta: screen<Context>(detailScreen),
        on: {
          WITHDRAW: {
            guard: ({ context }) => !!context.chosen && isUndecided(context.chosen.status),
            target: 'confirm',
          },
        },
      },
      confirm: {
        meta: screen<Context>((ctx) => ({
          id: 'applications.confirmWithdraw',
          task,
          text: {
            key: 'applications.confirmWithdraw',
            params: { position: ctx.chosen?.position ?? '', station: ctx.chosen?.station ?? '' },
          },
          history: false,
          options: [{ label: 'applications.confirmWithdrawYes', event: { type: 'CONFIRM' } }],
        })),
        on: { CONFIRM: 'withdrawing' },
      },
      withdrawing: {
        invoke: {
          src: 'withdraw',
          input: ({ context }) => ({
            accountId: context.accountId as number,
            applicationId: (context.chosen as ApplicationSummary).id,
            actor: teacherActor('ussd', context.phone),
          }),
          onDone: [
            { guard: ({ event }) => event.output.status === 'withdrawn', target: 'withdrawn' },
            { target: 'notWithdrawable' },
          ],
        },
      },
      withdrawn: {
        type: 'final',
        meta: screen({ id: 'applications.withdrawn', text: 'applications.withdrawn', end: true }),
      },
      // Decided meanwhile (approved, rejected): said, with the list to go back to.
      notWithdrawable: {
        meta: screen({
          id: 'applications.notWithdrawable',
          task,
          text: 'applications.notWithdrawable',
          history: false,
          options: [{ label: 'main.myApplications', event: { type: 'GO', journey: 'applications' } }],
        }),
      },
      handOver: { type: 'final' },
    },
  });
}
