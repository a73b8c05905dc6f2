// My duties (issue 12, docs/duties.md): the teacher's duties (approved applications) five at a time; one
// duty shows its days, its attendance and its claim, and on a duty day "Check in" and "Check out", which
// ask for the station's code of the day. The rules (the days, the code, once a day, the lock after 3
// wrong codes) are the domain's (src/domain/attendance.ts); this journey asks and says what was recorded.
import { assign, fromPromise, setup } from 'xstate';
import {
  kes,
  type AttendanceKind,
  type DutyDetails,
  type DutyPage,
  type DutySummary,
  type MarkResult,
} from '../src/domain/duty-types';
import { CODE_DIGITS } from '../src/domain/limits';
import { formatDay } from '../src/domain/time';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import {
  INPUT,
  screen,
  type InputEvent,
  type JourneyOutput,
  type Lang,
  type MenuInput,
  type ScreenSpec,
  type TextRef,
} from './screen';

type Context = SessionContext & {
  list: DutySummary[];
  more?: number;
  after?: number;
  chosen?: number;
  details?: DutyDetails;
  kind?: AttendanceKind;
  /** The last wrong code's attempts left (a notice: the lock counts wrong codes, not the engine). */
  notice?: TextRef;
  result?: MarkResult;
  next?: JourneyOutput;
};
type Events =
  | { type: 'OPEN'; id: number }
  | { type: 'MORE' }
  | { type: 'MARK'; kind: AttendanceKind }
  | { type: 'LIST' }
  | InputEvent;

export const DUTIES_PAGE = 5;
const task = 'task.duties';

const dutyTitle = (d: DutySummary): TextRef => ({
  key: 'duties.item',
  params: { position: d.position, station: d.station },
});

function detailScreen(ctx: Context): ScreenSpec {
  const d = ctx.details as DutyDetails;
  // On a duty day one line says today's marks and the days attended, so that Check in and Check out
  // stay on the first page; on other days, the duty's days and the days attended.
  const lines: TextRef[] = d.today
    ? [
        d.todayMark
          ? {
              key: 'duties.today',
              params: { in: d.todayMark.in, out: d.todayMark.out ?? '-', count: d.attended },
            }
          : { key: 'duties.todayNone', params: { count: d.attended } },
      ]
    : [
        d.startsOn && d.endsOn
          ? { key: 'duties.days', params: { from: formatDay(d.startsOn), to: formatDay(d.endsOn) } }
          : 'duties.noDays',
        { key: 'duties.attended', params: { count: d.attended } },
      ];
  // On a duty day there is no claim yet (it comes after the last day): the line gives way to the options.
  if (!d.today)
    lines.push(
      d.claim
        ? {
            key: 'duties.claim',
            params: { amount: kes(d.claim.amount), status: { key: `claims.status.${d.claim.status}` } },
          }
        : 'duties.noClaim',
    );
  return {
    id: 'duties.details',
    task,
    text: dutyTitle(d),
    lines,
    options: d.today
      ? [
          { label: 'duties.checkIn', event: { type: 'MARK', kind: 'in' } },
          { label: 'duties.checkOut', event: { type: 'MARK', kind: 'out' } },
        ]
      : [],
  };
}

/** What a check-in or check-out that recorded nothing new says. */
function refusal(r: MarkResult | undefined): TextRef {
  switch (r?.status) {
    case 'already':
      return {
        key: r.kind === 'in' ? 'duties.alreadyIn' : 'duties.alreadyOut',
        params: { station: r.station, date: r.day, time: r.at },
      };
    case 'notCheckedIn':
      return { key: 'duties.notCheckedIn', params: { station: r.station, date: r.day } };
    case 'locked':
      return { key: 'duties.locked', params: { time: r.until } };
    default:
      return 'duties.noDutyToday';
  }
}

export function dutiesJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
    actors: {
      list: fromPromise<DutyPage, { accountId: number; after?: number; lang: Lang }>(({ input }) =>
        services.duties.list(input.accountId, { limit: DUTIES_PAGE, after: input.after, lang: input.lang }),
      ),
      details: fromPromise<DutyDetails | undefined, { accountId: number; id: number; lang: Lang }>(
        ({ input }) => services.duties.details(input.accountId, input.id, input.lang),
      ),
      mark: fromPromise<
        MarkResult,
        { accountId: number; phone: string; kind: AttendanceKind; code: string; applicationId: number }
      >(({ input }) => services.duties.mark({ ...input, via: 'ussd' })),
    },
  }).createMachine({
    id: 'duties',
    context: ({ input }) => ({ ...sessionContext(input), list: [] }),
    initial: 'loading',
    output: ({ context }) => context.next ?? {},
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
            { guard: ({ event }) => event.output.duties.length === 0, target: 'none' },
            {
              target: 'list',
              actions: assign({
                list: ({ event }) => event.output.duties,
                more: ({ event }) => event.output.next?.id,
              }),
            },
          ],
        },
      },
      none: {
        meta: screen({ id: 'duties.none', task, text: 'duties.none', history: false }),
      },
      list: {
        meta: screen<Context>((ctx) => ({
          id: 'duties.list',
          task,
          text: 'duties.title',
          options: [
            ...ctx.list.map((d) => ({ label: dutyTitle(d), event: { type: 'OPEN', id: d.applicationId } })),
            ...(ctx.more !== undefined ? [{ label: 'duties.more', event: { type: 'MORE' } }] : []),
          ],
        })),
        on: {
          OPEN: { target: 'loadingDetails', actions: assign({ chosen: ({ event }) => event.id }) },
          MORE: {
            guard: ({ context }) => context.more !== undefined,
            target: 'loading',
            actions: assign({ after: ({ context }) => context.more }),
          },
        },
      },
      loadingDetails: {
        invoke: {
          src: 'details',
          input: ({ context }) => ({
            accountId: context.accountId as number,
            id: context.chosen as number,
            lang: context.lang,
          }),
          onDone: [
            { guard: ({ event }) => event.output === undefined, target: 'loading' },
            { target: 'details', actions: assign({ details: ({ event }) => event.output }) },
          ],
        },
      },
      details: {
        meta: screen<Context>(detailScreen),
        on: {
          MARK: {
            guard: ({ context }) => context.details?.today === true,
            target: 'code',
            actions: assign({ kind: ({ event }) => event.kind, notice: undefined }),
          },
        },
      },
      code: {
        meta: screen<Context>((ctx) => ({
          id: 'duties.code',
          task: 'task.checkIn',
          notice: ctx.notice,
          text: 'duties.code',
          input: { kind: 'digits', min: CODE_DIGITS, max: CODE_DIGITS },
          history: false,
        })),
        on: { [INPUT]: 'marking' },
      },
      marking: {
        invoke: {
          src: 'mark',
          input: ({ context, event }) => ({
            accountId: context.accountId as number,
            phone: context.phone,
            kind: context.kind as AttendanceKind,
            code: (event as InputEvent).value,
            applicationId: context.chosen as number,
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'wrongCode',
              target: 'code',
              actions: assign({
                notice: ({ event }) => ({
                  key: 'duties.wrongCode',
                  plural: 'left',
                  params: { left: event.output.status === 'wrongCode' ? event.output.left : 0 },
                }),
              }),
            },
            {
              guard: ({ event }) => event.output.status === 'recorded',
              target: 'marked',
              actions: assign({ result: ({ event }) => event.output }),
            },
            { target: 'refused', actions: assign({ result: ({ event }) => event.output }) },
          ],
        },
      },
      // A completed task ENDs, as the other journeys' do: the SMS confirms it (docs/conversation.md).
      marked: {
        type: 'final',
        meta: screen<Context>((ctx) => {
          const r = ctx.result as Extract<MarkResult, { status: 'recorded' }>;
          return {
            id: 'duties.marked',
            text: {
              key: r.kind === 'in' ? 'duties.checkedIn' : 'duties.checkedOut',
              params: { station: r.station, date: r.day, time: r.at },
            },
            end: true,
          };
        }),
      },
      // Nothing new recorded: said, with the way back to the duty (not the end of the session).
      refused: {
        meta: screen<Context>((ctx) => ({
          id: 'duties.refused',
          task,
          text: refusal(ctx.result),
          history: false,
          options: [{ label: 'work.duties', event: { type: 'LIST' } }],
        })),
        on: { LIST: { target: 'loading', actions: assign({ after: undefined }) } },
      },
    },
  });
}
