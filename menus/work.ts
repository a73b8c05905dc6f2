// "My duties and pay": what comes after an approved application, grouped under one entry of the main
// menu so that it stays one screen (issue 12): My duties (attendance, check-in and check-out), My
// payments, Send a query, My queries. Each hands over to its journey.
import { assign, setup } from 'xstate';
import { sessionContext, type SessionContext } from './context';
import { screen, type JourneyOutput, type MenuInput } from './screen';

type Context = SessionContext & { next?: JourneyOutput };
type Events = { type: 'GO'; journey: string };

const go = (journey: string) => ({ type: 'GO', journey });

export function workJourney() {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
  }).createMachine({
    id: 'work',
    context: ({ input }) => sessionContext(input),
    initial: 'menu',
    output: ({ context }) => context.next ?? {},
    states: {
      menu: {
        meta: screen({
          id: 'work.menu',
          text: 'work.title',
          options: [
            { label: 'work.duties', event: go('duties') },
            { label: 'work.payments', event: go('payments') },
            { label: 'work.ask', event: go('askQuery') },
            { label: 'work.queries', event: go('queries') },
          ],
        }),
        on: {
          GO: { target: 'handOver', actions: assign({ next: ({ event }) => ({ next: event.journey }) }) },
        },
      },
      handOver: { type: 'final' },
    },
  });
}
