// Send a query and My queries (issue 12, docs/duties.md). Sending: a topic (Payment, Duty, Account,
// Other), then the question, up to 140 characters typed on one screen; the reference is on the screen and
// comes by SMS. My queries: each query with its status; one shows the question and the answer.
import { assign, fromPromise, setup } from 'xstate';
import type { QueryPage, QueryResult, QueryTopic, QueryView } from '../src/domain/duty-types';
import { QUERY_MAX, QUERY_MIN } from '../src/domain/query-status';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import { INPUT, screen, type InputEvent, type JourneyOutput, type MenuInput } from './screen';

type AskContext = SessionContext & { topic?: QueryTopic; result?: QueryResult };
type AskEvents = { type: 'TOPIC'; topic: QueryTopic } | InputEvent;

const topic = (t: QueryTopic) => ({ label: `queries.topic.${t}`, event: { type: 'TOPIC', topic: t } });

export function askQueryJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as AskContext,
      input: {} as MenuInput,
      events: {} as AskEvents,
      output: {} as JourneyOutput,
    },
    actors: {
      ask: fromPromise<QueryResult, { accountId: number; phone: string; topic: QueryTopic; text: string }>(
        ({ input }) => services.queries.ask({ ...input, via: 'ussd' }),
      ),
    },
  }).createMachine({
    id: 'askQuery',
    context: ({ input }) => sessionContext(input),
    initial: 'topic',
    output: () => ({}),
    states: {
      topic: {
        meta: screen({
          id: 'queries.topic',
          task: 'task.query',
          text: 'queries.topic',
          options: [topic('payment'), topic('duty'), topic('account'), topic('other')],
        }),
        on: { TOPIC: { target: 'text', actions: assign({ topic: ({ event }) => event.topic }) } },
      },
      text: {
        meta: screen({
          id: 'queries.text',
          task: 'task.query',
          text: 'queries.text',
          input: { kind: 'text', min: QUERY_MIN, max: QUERY_MAX },
        }),
        on: { [INPUT]: 'sending' },
      },
      sending: {
        invoke: {
          src: 'ask',
          input: ({ context, event }) => ({
            accountId: context.accountId as number,
            phone: context.phone,
            topic: context.topic as QueryTopic,
            text: (event as InputEvent).value,
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'sent',
              target: 'sent',
              actions: assign({ result: ({ event }) => event.output }),
            },
            // Refused once cleaned (askIn: control characters only, too short): asked again.
            { target: 'text' },
          ],
        },
      },
      sent: {
        type: 'final',
        meta: screen<AskContext>((ctx) => ({
          id: 'queries.sent',
          text: {
            key: 'queries.sent',
            params: { reference: ctx.result?.status === 'sent' ? ctx.result.reference : '' },
          },
          end: true,
        })),
      },
    },
  });
}

type ListContext = SessionContext & { list: QueryView[]; more?: number; after?: number; chosen?: QueryView };
type ListEvents = { type: 'OPEN'; id: number } | { type: 'MORE' };

export const QUERIES_PAGE = 5;
const status = (q: QueryView) => ({ key: `queries.status.${q.status}` });
const topicName = (q: QueryView) => ({ key: `queries.topic.${q.topic}` });

export function queriesJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as ListContext,
      input: {} as MenuInput,
      events: {} as ListEvents,
      output: {} as JourneyOutput,
    },
    actors: {
      list: fromPromise<QueryPage, { accountId: number; after?: number }>(({ input }) =>
        services.queries.list(input.accountId, { limit: QUERIES_PAGE, after: input.after }),
      ),
    },
  }).createMachine({
    id: 'queries',
    context: ({ input }) => ({ ...sessionContext(input), list: [] }),
    initial: 'loading',
    output: () => ({}),
    states: {
      loading: {
        invoke: {
          src: 'list',
          input: ({ context }) => ({ accountId: context.accountId as number, after: context.after }),
          onDone: [
            { guard: ({ event }) => event.output.queries.length === 0, target: 'none' },
            {
              target: 'list',
              actions: assign({
                list: ({ event }) => event.output.queries,
                more: ({ event }) => event.output.next,
              }),
            },
          ],
        },
      },
      none: {
        meta: screen({ id: 'queries.none', task: 'task.queries', text: 'queries.none', history: false }),
      },
      list: {
        meta: screen<ListContext>((ctx) => ({
          id: 'queries.list',
          task: 'task.queries',
          text: 'queries.title',
          options: [
            ...ctx.list.map((q) => ({
              label: {
                key: 'queries.item',
                params: { reference: q.reference, topic: topicName(q), status: status(q) },
              },
              event: { type: 'OPEN', id: q.id },
            })),
            ...(ctx.more !== undefined ? [{ label: 'queries.more', event: { type: 'MORE' } }] : []),
          ],
        })),
        on: {
          OPEN: {
            target: 'details',
            actions: assign({ chosen: ({ context, event }) => context.list.find((q) => q.id === event.id) }),
          },
          MORE: {
            guard: ({ context }) => context.more !== undefined,
            target: 'loading',
            actions: assign({ after: ({ context }) => context.more }),
          },
        },
      },
      details: {
        meta: screen<ListContext>((ctx) => {
          const q = ctx.chosen as QueryView;
          return {
            id: 'queries.details',
            task: 'task.queries',
            // The teacher's and the operator's words are data: shown as they are, never read as copy keys.
            text: { key: 'queries.asked', params: { reference: q.reference, date: q.askedOn, text: q.text } },
            lines: [
              q.answer !== null
                ? { key: 'queries.answer', params: { answer: q.answer } }
                : 'queries.noAnswer',
            ],
          };
        }),
      },
    },
  });
}
