// Change password: current, new, and the new one again. Between the last two screens only a salted
// scrypt hash of the new password is kept in the session, never the digits typed.
import { assign, fromPromise, setup } from 'xstate';
import { sessionContext, type SessionContext } from './context';
import { PASSWORD_INPUT, lockedScreen, lockedUntil, wrongPasswordNotice } from './password-input';
import type { LoginResult, MenuServices, NewPasswordResult } from './services';
import { INPUT, screen, type InputEvent, type MenuInput, type ScreenId, type TextRef } from './screen';

type Context = SessionContext & {
  /** Why the last entry was refused (a password too easy to guess, a mismatch): counted by the engine. */
  error?: TextRef;
  /** Attempts left after a wrong current password: counted by the account lockout instead. */
  notice?: TextRef;
  pendingHash?: string;
  lockedUntil?: string;
  /** The password was asked by the login that led here: not asked a second time. */
  justLoggedIn: boolean;
};

const prompt = (id: ScreenId, text: TextRef) =>
  screen<Context>((ctx) => ({
    id,
    task: 'task.changePassword',
    error: ctx.error,
    notice: ctx.notice,
    text,
    input: PASSWORD_INPUT,
    history: false,
  }));

const valueOf = (event: unknown) => (event as InputEvent).value;

export function changePasswordJourney(services: MenuServices) {
  return setup({
    types: { context: {} as Context, input: {} as MenuInput, events: {} as InputEvent },
    actors: {
      check: fromPromise<LoginResult, { accountId: number; password: string }>(({ input }) =>
        services.accounts.checkPassword(input.accountId, input.password),
      ),
      hash: fromPromise<NewPasswordResult, { password: string }>(({ input }) =>
        services.accounts.hashNewPassword(input.password),
      ),
      matches: fromPromise<boolean, { password: string; hash: string }>(({ input }) =>
        services.accounts.matchesHash(input.password, input.hash),
      ),
      save: fromPromise<void, { accountId: number; hash: string }>(({ input }) =>
        services.accounts.setPassword(input.accountId, input.hash),
      ),
    },
  }).createMachine({
    id: 'changePassword',
    context: ({ input }) => ({ ...sessionContext(input), justLoggedIn: input.justLoggedIn === true }),
    initial: 'start',
    states: {
      start: {
        always: [{ guard: ({ context }) => context.justLoggedIn, target: 'new' }, { target: 'current' }],
      },
      current: { meta: prompt('password.current', 'password.current'), on: { [INPUT]: 'checking' } },
      checking: {
        invoke: {
          src: 'check',
          input: ({ context, event }) => ({
            accountId: context.accountId as number,
            password: valueOf(event),
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'ok',
              target: 'new',
              actions: assign({ error: undefined, notice: undefined }),
            },
            {
              guard: ({ event }) => event.output.status === 'wrong',
              target: 'current',
              actions: assign({ notice: wrongPasswordNotice }),
            },
            {
              target: 'locked',
              actions: assign({ lockedUntil }),
            },
          ],
        },
      },
      new: { meta: prompt('password.new', 'password.new'), on: { [INPUT]: 'hashing' } },
      hashing: {
        invoke: {
          src: 'hash',
          input: ({ event }) => ({ password: valueOf(event) }),
          onDone: [
            {
              guard: ({ event }) => event.output.ok,
              target: 'confirm',
              actions: assign({
                pendingHash: ({ event }) => (event.output.ok ? event.output.hash : undefined),
                error: undefined,
              }),
            },
            { target: 'new', actions: assign({ error: 'password.trivial' }) },
          ],
        },
      },
      confirm: { meta: prompt('password.confirm', 'password.confirm'), on: { [INPUT]: 'matching' } },
      matching: {
        invoke: {
          src: 'matches',
          input: ({ context, event }) => ({ password: valueOf(event), hash: context.pendingHash as string }),
          onDone: [
            { guard: ({ event }) => event.output, target: 'saving' },
            { target: 'new', actions: assign({ error: 'password.mismatch', pendingHash: undefined }) },
          ],
        },
      },
      saving: {
        invoke: {
          src: 'save',
          input: ({ context }) => ({
            accountId: context.accountId as number,
            hash: context.pendingHash as string,
          }),
          onDone: { target: 'changed', actions: assign({ pendingHash: undefined }) },
        },
      },
      changed: {
        type: 'final',
        meta: screen({ id: 'password.changed', text: 'password.changed', end: true }),
      },
      locked: { type: 'final', meta: lockedScreen },
    },
  });
}
