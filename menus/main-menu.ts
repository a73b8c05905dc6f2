// The main menu: what a caller sees on dialling. A caller without an account is offered
// "Create account"; a caller with one gets the account actions, each behind the login (once a session).
import { assign, fromPromise, setup } from 'xstate';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import {
  screen,
  type JourneyOutput,
  type Lang,
  type MenuInput,
  type OptionSpec,
  type ScreenSpec,
} from './screen';

/** Journeys an account holder reaches from the main menu; each asks for the password first. */
export type AccountTarget = 'changePassword' | 'profile' | 'apply' | 'applications' | 'work';

type Events =
  | { type: 'CREATE' }
  | { type: 'ACCOUNT'; target: AccountTarget }
  | { type: 'LANGUAGE' }
  | { type: 'HELP' }
  | { type: 'PICK_LANG'; lang: Lang };

type Context = SessionContext & { next?: JourneyOutput };

const common: OptionSpec[] = [
  { label: 'main.language', event: { type: 'LANGUAGE' } },
  { label: 'main.help', event: { type: 'HELP' } },
];

const account = (target: AccountTarget) => ({ type: 'ACCOUNT', target });

export function mainScreen(
  ctx: Pick<SessionContext, 'hasAccount'>,
  notice?: ScreenSpec['notice'],
): ScreenSpec {
  const options: OptionSpec[] = ctx.hasAccount
    ? [
        { label: 'main.myProfile', event: account('profile') },
        { label: 'main.apply', event: account('apply') },
        { label: 'main.myApplications', event: account('applications') },
        // Withdrawing is under My applications; what comes after an application is grouped under one entry.
        { label: 'main.duties', event: account('work') },
        { label: 'main.changePassword', event: account('changePassword') },
        ...common,
      ]
    : [{ label: 'main.createAccount', event: { type: 'CREATE' } }, ...common];
  return { id: 'main', text: 'main.title', home: true, options, notice };
}

export function createMainMenu(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
    actors: {
      lookup: fromPromise(({ input }: { input: { phone: string } }) => services.callers.lookup(input.phone)),
      saveLanguage: fromPromise(({ input }: { input: { phone: string; lang: Lang } }) =>
        services.preferences.setLanguage(input.phone, input.lang),
      ),
    },
  }).createMachine({
    id: 'main',
    context: ({ input }) => sessionContext(input),
    initial: 'boot',
    output: ({ context }) => context.next ?? {},
    states: {
      boot: {
        always: {
          guard: ({ context }) => context.langKnown && context.hasAccount !== undefined,
          target: 'menu',
        },
        invoke: {
          src: 'lookup',
          input: ({ context }) => ({ phone: context.phone }),
          onDone: {
            target: 'menu',
            actions: assign(({ event }) => ({
              lang: event.output.lang ?? 'en',
              langKnown: true,
              hasAccount: event.output.hasAccount,
            })),
          },
        },
      },
      // The main menu, and the same menu after a language change (with a notice on top).
      menu: {
        initial: 'main',
        states: {
          main: { meta: screen<Context>((ctx) => mainScreen(ctx)) },
          languageSaved: {
            meta: screen<Context>((ctx) => ({
              ...mainScreen(ctx, 'language.saved'),
              id: 'main.languageSaved',
            })),
          },
        },
        on: {
          CREATE: { target: 'handOver', actions: assign({ next: { next: 'createAccount' } }) },
          ACCOUNT: {
            target: 'handOver',
            actions: assign({
              next: ({ context, event }) =>
                context.authenticated
                  ? { next: event.target }
                  : { next: 'login', input: { then: event.target } },
            }),
          },
          LANGUAGE: 'language',
          HELP: 'help',
        },
      },
      language: {
        meta: screen({
          id: 'language',
          text: 'language.title',
          options: [
            { label: 'language.english', event: { type: 'PICK_LANG', lang: 'en' } },
            { label: 'language.kiswahili', event: { type: 'PICK_LANG', lang: 'sw' } },
          ],
        }),
        on: { PICK_LANG: { target: 'savingLanguage', actions: assign({ lang: ({ event }) => event.lang }) } },
      },
      savingLanguage: {
        invoke: {
          src: 'saveLanguage',
          input: ({ context }) => ({ phone: context.phone, lang: context.lang }),
          onDone: 'menu.languageSaved',
        },
      },
      // Help answers and leaves the caller on the menu's Back and Home, not at the end of the session.
      help: { meta: screen({ id: 'help', text: 'help.text', resumable: false }) },
      handOver: { type: 'final' },
    },
  });
}
