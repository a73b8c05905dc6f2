// Placeholder for account actions that later issues build (profile, vacancies, applications).
import { setup } from 'xstate';
import { sessionContext, type SessionContext } from './context';
import { screen, type MenuInput } from './screen';

export function comingSoonJourney() {
  return setup({ types: { context: {} as SessionContext, input: {} as MenuInput } }).createMachine({
    id: 'comingSoon',
    context: ({ input }) => sessionContext(input),
    initial: 'soon',
    states: { soon: { meta: screen({ id: 'comingSoon', text: 'main.comingSoon', history: false }) } },
  });
}
