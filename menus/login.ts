// Log in: the password is asked once per USSD session, before the first account action; then the
// session hands over to that action. The password goes straight to the domain and is never kept.
import { assign, fromPromise, setup } from 'xstate';
import { sessionContext, type SessionContext } from './context';
import { PASSWORD_INPUT, lockedScreen, lockedUntil, wrongPasswordNotice } from './password-input';
import type { LoginResult, MenuServices } from './services';
import { INPUT, screen, type InputEvent, type JourneyOutput, type MenuInput, type TextRef } from './screen';

type Context = SessionContext & {
  then: string;
  /** Attempts left after a wrong password: not counted as a refused entry, the lockout counts it. */
  notice?: TextRef;
  lockedUntil?: string;
};

export function loginJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as InputEvent,
      output: {} as JourneyOutput,
    },
    actors: {
      login: fromPromise<LoginResult, { phone: string; password: string }>(({ input }) =>
        services.accounts.login(input.phone, input.password),
      ),
    },
  }).createMachine({
    id: 'login',
    context: ({ input }) => ({
      ...sessionContext(input),
      then: typeof input.then === 'string' ? input.then : 'main',
    }),
    initial: 'prompt',
    // Only a successful login hands over; the locked and no-account endings stay on their screen.
    output: ({ context }) =>
      context.authenticated
        ? {
            next: context.then,
            // `justLoggedIn`: a journey that would ask for the password again (Change password) does not.
            input: {
              authenticated: true,
              accountId: context.accountId,
              hasAccount: true,
              justLoggedIn: true,
            },
          }
        : {},
    states: {
      prompt: {
        meta: screen<Context>((ctx) => ({
          id: 'login.prompt',
          notice: ctx.notice,
          text: 'login.prompt',
          lines: ['login.hint'],
          input: PASSWORD_INPUT,
          history: false,
        })),
        on: { [INPUT]: 'checking' },
      },
      checking: {
        invoke: {
          src: 'login',
          input: ({ context, event }) => ({ phone: context.phone, password: (event as InputEvent).value }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'ok',
              target: 'done',
              actions: assign({
                authenticated: true,
                accountId: ({ event }) => (event.output.status === 'ok' ? event.output.accountId : undefined),
                notice: undefined,
              }),
            },
            {
              guard: ({ event }) => event.output.status === 'wrong',
              target: 'prompt',
              actions: assign({ notice: wrongPasswordNotice }),
            },
            {
              guard: ({ event }) => event.output.status === 'locked',
              target: 'locked',
              actions: assign({ lockedUntil }),
            },
            { target: 'noAccount' },
          ],
        },
      },
      done: { type: 'final' },
      locked: { type: 'final', meta: lockedScreen },
      noAccount: {
        type: 'final',
        meta: screen({ id: 'login.noAccount', text: 'login.noAccount', end: true }),
      },
    },
  });
}
