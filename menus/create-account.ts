// "Create account": the account is for the number that is dialling. Confirm, create, and the login
// details go out by SMS. A number that already has an account is offered a new password instead.
import { assign, fromPromise, setup } from 'xstate';
import { displayPhone } from '../src/domain/phone';
import { sessionContext, type SessionContext } from './context';
import type { CreateResult, MenuServices, ResetResult } from './services';
import { screen, type MenuInput } from './screen';

type Context = SessionContext & { retryAt?: string };
type Events = { type: 'CONFIRM' } | { type: 'CANCEL' } | { type: 'RESET' };

/** The caller's number as they read it (the username, 2547…, is in the SMS). */
const user = (ctx: Context) => ({ phone: displayPhone(ctx.phone) });

export function createAccountJourney(services: MenuServices) {
  return setup({
    types: { context: {} as Context, input: {} as MenuInput, events: {} as Events },
    actors: {
      create: fromPromise<CreateResult, { phone: string }>(({ input }) =>
        services.accounts.create(input.phone),
      ),
      reset: fromPromise<ResetResult, { phone: string }>(({ input }) =>
        services.accounts.resetPassword(input.phone, 'ussd'),
      ),
    },
  }).createMachine({
    id: 'createAccount',
    context: ({ input }) => sessionContext(input),
    initial: 'confirm',
    states: {
      confirm: {
        meta: screen<Context>((ctx) => ({
          id: 'account.confirm',
          text: { key: 'account.confirm', params: user(ctx) },
          options: [
            { label: 'account.confirmYes', event: { type: 'CONFIRM' } },
            { label: 'account.confirmNo', event: { type: 'CANCEL' } },
          ],
        })),
        on: { CONFIRM: 'creating', CANCEL: 'cancelled' },
      },
      creating: {
        invoke: {
          src: 'create',
          input: ({ context }) => ({ phone: context.phone }),
          onDone: [
            { guard: ({ event }) => event.output.status === 'created', target: 'created' },
            { target: 'exists' },
          ],
        },
      },
      created: {
        type: 'final',
        meta: screen<Context>((ctx) => ({
          id: 'account.created',
          text: { key: 'account.created', params: user(ctx) },
          end: true,
        })),
      },
      cancelled: {
        type: 'final',
        meta: screen({ id: 'account.cancelled', text: 'account.cancelled', end: true }),
      },
      exists: {
        meta: screen<Context>((ctx) => ({
          id: 'account.exists',
          text: { key: 'account.exists', params: user(ctx) },
          history: false,
          options: [{ label: 'account.reset', event: { type: 'RESET' } }],
        })),
        on: { RESET: 'resetting' },
      },
      resetting: {
        invoke: {
          src: 'reset',
          input: ({ context }) => ({ phone: context.phone }),
          onDone: [
            { guard: ({ event }) => event.output.status === 'sent', target: 'resetSent' },
            {
              target: 'resetLimited',
              actions: assign({
                retryAt: ({ event }) => (event.output.status === 'limited' ? event.output.retryAt : ''),
              }),
            },
          ],
        },
      },
      resetSent: {
        type: 'final',
        meta: screen<Context>((ctx) => ({
          id: 'account.resetSent',
          text: { key: 'account.resetSent', params: user(ctx) },
          end: true,
        })),
      },
      resetLimited: {
        type: 'final',
        meta: screen<Context>((ctx) => ({
          id: 'account.resetLimited',
          text: { key: 'account.resetLimited', params: { time: ctx.retryAt ?? '' } },
          end: true,
        })),
      },
    },
  });
}
