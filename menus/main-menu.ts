// The caller's main menu, language choice and help. Options that later journeys fill in say
// "coming soon" until then.
import { assign, fromPromise, setup } from 'xstate';
import type { MenuServices } from './services';
import type { BaseContext, Lang, MenuInput, ScreenMeta, ScreenSpec } from './screen';

export type MainContext = BaseContext & { networkCode?: string; langKnown: boolean };

type Events = { type: 'SOON' } | { type: 'LANGUAGE' } | { type: 'HELP' } | { type: 'PICK_LANG'; lang: Lang };

const screen = (s: ScreenSpec | ((c: MainContext) => ScreenSpec)): ScreenMeta<MainContext> => ({ screen: s });

export const mainScreen: ScreenSpec = {
  id: 'main',
  text: 'main.title',
  home: true,
  options: [
    { label: 'main.createAccount', event: { type: 'SOON' } },
    { label: 'main.myProfile', event: { type: 'SOON' } },
    { label: 'main.apply', event: { type: 'SOON' } },
    { label: 'main.myApplications', event: { type: 'SOON' } },
    { label: 'main.withdraw', event: { type: 'SOON' } },
    { label: 'main.language', event: { type: 'LANGUAGE' } },
    { label: 'main.help', event: { type: 'HELP' } },
  ],
};

export function createMainMenu(services: MenuServices) {
  return setup({
    types: {
      context: {} as MainContext,
      input: {} as MenuInput,
      events: {} as Events,
    },
    actors: {
      loadLanguage: fromPromise(({ input }: { input: { phone: string } }) =>
        services.preferences.getLanguage(input.phone),
      ),
      saveLanguage: fromPromise(({ input }: { input: { phone: string; lang: Lang } }) =>
        services.preferences.setLanguage(input.phone, input.lang),
      ),
    },
  }).createMachine({
    id: 'cp2',
    context: ({ input }) => ({
      phone: input.phone,
      networkCode: input.networkCode,
      lang: input.lang === 'sw' ? 'sw' : 'en',
      langKnown: typeof input.lang === 'string',
    }),
    initial: 'boot',
    states: {
      boot: {
        always: { guard: ({ context }) => context.langKnown, target: 'main' },
        invoke: {
          src: 'loadLanguage',
          input: ({ context }) => ({ phone: context.phone }),
          onDone: {
            target: 'main',
            actions: assign({ lang: ({ event }) => event.output ?? 'en', langKnown: true }),
          },
        },
      },
      main: {
        meta: screen(mainScreen),
        on: { SOON: 'comingSoon', LANGUAGE: 'language', HELP: 'help' },
      },
      comingSoon: {
        meta: screen({ id: 'comingSoon', text: 'main.comingSoon', history: false }),
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
          onDone: 'languageSaved',
        },
      },
      languageSaved: {
        meta: screen({ ...mainScreen, id: 'main.languageSaved', notice: 'language.saved' }),
        on: { SOON: 'comingSoon', LANGUAGE: 'language', HELP: 'help' },
      },
      help: {
        type: 'final',
        meta: screen({ id: 'help', text: 'help.text', end: true }),
      },
    },
  });
}
