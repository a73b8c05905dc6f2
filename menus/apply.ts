// "Apply for a job". Applying needs a complete profile: until it is, the user is told which sections are
// missing and offered "My profile". Browsing vacancies and applying come with the vacancies issue.
import { assign, fromPromise, setup } from 'xstate';
import type { SectionId } from '../src/domain/profile-fields';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import { screen, type JourneyOutput, type MenuInput } from './screen';

type Context = SessionContext & { missing: SectionId[]; next?: JourneyOutput };

export function applyJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as { type: 'PROFILE' },
      output: {} as JourneyOutput,
    },
    actors: {
      missing: fromPromise<SectionId[], { accountId: number }>(({ input }) =>
        services.profiles.missing(input.accountId),
      ),
    },
  }).createMachine({
    id: 'apply',
    context: ({ input }) => ({ ...sessionContext(input), missing: [] }),
    initial: 'checking',
    output: ({ context }) => context.next ?? {},
    states: {
      checking: {
        invoke: {
          src: 'missing',
          input: ({ context }) => ({ accountId: context.accountId as number }),
          onDone: [
            {
              guard: ({ event }) => event.output.length > 0,
              target: 'profileIncomplete',
              actions: assign({ missing: ({ event }) => event.output }),
            },
            { target: 'soon' },
          ],
        },
      },
      profileIncomplete: {
        meta: screen<Context>((ctx) => ({
          id: 'apply.profileIncomplete',
          text: 'apply.profileIncomplete',
          lines: ctx.missing.map((s) => `section.${s}`),
          history: false,
          options: [{ label: 'main.myProfile', event: { type: 'PROFILE' } }],
        })),
        on: { PROFILE: { target: 'handOver', actions: assign({ next: { next: 'profile' } }) } },
      },
      soon: { meta: screen({ id: 'apply.soon', text: 'main.comingSoon', history: false }) },
      handOver: { type: 'final' },
    },
  });
}
