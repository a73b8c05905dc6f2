// "Delete my account" (from My profile): the consequences said plainly, the password asked again (a
// wrong one counts towards the lockout like any), a last confirmation, then the erasure
// (src/domain/personal-data/erasure.ts) and an END; or, while the council still owes the teacher for a
// duty, an END saying the account stays until the payment is made (said at once, before the password). docs/privacy.md says what is erased
// and what is kept.
import { assign, fromPromise, setup } from 'xstate';
import type { EraseResult } from '../src/domain/personal-data/erasure';
import { sessionContext, type SessionContext } from './context';
import { PASSWORD_INPUT, lockedScreen, lockedUntil, wrongPasswordNotice } from './password-input';
import type { LoginResult, MenuServices } from './services';
import { INPUT, screen, type InputEvent, type MenuInput, type TextRef } from './screen';

type Context = SessionContext & { notice?: TextRef; lockedUntil?: string };
type Events = InputEvent | { type: 'CONTINUE' } | { type: 'ERASE' };

const TASK = 'task.erase';

export function eraseJourney(services: MenuServices) {
  return setup({
    types: { context: {} as Context, input: {} as MenuInput, events: {} as Events },
    actors: {
      check: fromPromise<LoginResult, { accountId: number; password: string }>(({ input }) =>
        services.accounts.checkPassword(input.accountId, input.password),
      ),
      erase: fromPromise<EraseResult, { accountId: number }>(({ input }) =>
        services.accounts.erase(input.accountId),
      ),
      paymentDue: fromPromise<boolean, { accountId: number }>(({ input }) =>
        services.accounts.paymentDue(input.accountId),
      ),
    },
  }).createMachine({
    id: 'erase',
    context: ({ input }) => sessionContext(input),
    initial: 'dues',
    states: {
      // Said first, before the password: a teacher owed money cannot delete the account yet. The erasure
      // checks again in its transaction (a claim could be worked out in between).
      dues: {
        invoke: {
          src: 'paymentDue',
          input: ({ context }) => ({ accountId: context.accountId as number }),
          onDone: [{ guard: ({ event }) => event.output, target: 'paymentDue' }, 'warning'],
        },
      },
      warning: {
        meta: screen({
          id: 'erase.warning',
          task: TASK,
          text: 'erase.warning',
          options: [{ label: 'erase.continue', event: { type: 'CONTINUE' } }],
        }),
        on: { CONTINUE: 'password' },
      },
      password: {
        meta: screen<Context>((ctx) => ({
          id: 'erase.password',
          task: TASK,
          notice: ctx.notice,
          text: 'erase.password',
          input: PASSWORD_INPUT,
          history: false,
        })),
        on: { [INPUT]: 'checking' },
      },
      checking: {
        invoke: {
          src: 'check',
          input: ({ context, event }) => ({
            accountId: context.accountId as number,
            password: (event as InputEvent).value,
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'ok',
              target: 'confirm',
              actions: assign({ notice: undefined }),
            },
            {
              guard: ({ event }) => event.output.status === 'wrong',
              target: 'password',
              actions: assign({ notice: wrongPasswordNotice }),
            },
            { target: 'locked', actions: assign({ lockedUntil }) },
          ],
        },
      },
      confirm: {
        meta: screen({
          id: 'erase.confirm',
          task: TASK,
          text: 'erase.confirm',
          history: false,
          options: [{ label: 'erase.confirmYes', event: { type: 'ERASE' } }],
        }),
        on: { ERASE: 'erasing' },
      },
      erasing: {
        invoke: {
          src: 'erase',
          input: ({ context }) => ({ accountId: context.accountId as number }),
          onDone: [
            { guard: ({ event }) => event.output.status === 'paymentDue', target: 'paymentDue' },
            'done',
          ],
        },
      },
      done: {
        type: 'final',
        meta: screen({ id: 'erase.done', text: 'erase.done', end: true }),
      },
      // Not erased: the council still owes the teacher for a duty, and paying needs the M-Pesa number.
      paymentDue: {
        type: 'final',
        meta: screen({ id: 'erase.paymentDue', text: 'erase.paymentDue', end: true }),
      },
      locked: { type: 'final', meta: lockedScreen },
    },
  });
}
