// My payments (issue 12, docs/duties.md): the teacher's payment claims, most recent first, five at a time;
// one claim shows its duty, days × rate = amount, its status and date, and the M-Pesa reference once paid
// or the reason once rejected. The claims are worked out by the domain (src/domain/claims.ts).
import { assign, fromPromise, setup } from 'xstate';
import { kes, type PaymentPage, type PaymentSummary } from '../src/domain/duty-types';
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
  list: PaymentSummary[];
  more?: number;
  after?: number;
  chosen?: PaymentSummary;
};
type Events = { type: 'OPEN'; id: number } | { type: 'MORE' };

export const PAYMENTS_PAGE = 5;
const task = 'task.payments';
const status = (c: PaymentSummary) => ({ key: `claims.status.${c.status}` });

function detailScreen(ctx: Context): ScreenSpec {
  const c = ctx.chosen as PaymentSummary;
  const lines: TextRef[] = [
    {
      key: 'payments.amount',
      plural: 'days',
      params: { days: c.days, rate: kes(c.dailyRate), amount: kes(c.amount) },
    },
    { key: 'payments.status', params: { status: status(c), date: c.updatedOn } },
  ];
  if (c.mpesaRef) lines.push({ key: 'payments.ref', params: { ref: c.mpesaRef } });
  if (c.reason) lines.push({ key: 'payments.reason', params: { reason: c.reason } });
  return {
    id: 'payments.details',
    task,
    text: { key: 'duties.item', params: { position: c.position, station: c.station } },
    lines,
  };
}

export function paymentsJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
    actors: {
      list: fromPromise<PaymentPage, { accountId: number; after?: number; lang: Lang }>(({ input }) =>
        services.payments.list(input.accountId, {
          limit: PAYMENTS_PAGE,
          after: input.after,
          lang: input.lang,
        }),
      ),
    },
  }).createMachine({
    id: 'payments',
    context: ({ input }) => ({ ...sessionContext(input), list: [] }),
    initial: 'loading',
    output: () => ({}),
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
            { guard: ({ event }) => event.output.claims.length === 0, target: 'none' },
            {
              target: 'list',
              actions: assign({
                list: ({ event }) => event.output.claims,
                more: ({ event }) => event.output.next,
              }),
            },
          ],
        },
      },
      none: { meta: screen({ id: 'payments.none', task, text: 'payments.none', history: false }) },
      list: {
        meta: screen<Context>((ctx) => ({
          id: 'payments.list',
          task,
          text: 'payments.title',
          options: [
            ...ctx.list.map((c) => ({
              label: {
                key: 'payments.item',
                params: { exam: c.exam, position: c.position, amount: kes(c.amount), status: status(c) },
              },
              event: { type: 'OPEN', id: c.id },
            })),
            ...(ctx.more !== undefined ? [{ label: 'payments.more', event: { type: 'MORE' } }] : []),
          ],
        })),
        on: {
          OPEN: {
            target: 'details',
            actions: assign({ chosen: ({ context, event }) => context.list.find((c) => c.id === event.id) }),
          },
          MORE: {
            guard: ({ context }) => context.more !== undefined,
            target: 'loading',
            actions: assign({ after: ({ context }) => context.more }),
          },
        },
      },
      details: { meta: screen<Context>(detailScreen) },
    },
  });
}
