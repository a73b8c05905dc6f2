// The journeys the engine runs, by name (`main` is where every session starts), and the context that
// survives Back, Home and hand-overs between journeys.
import type { AnyStateMachine } from 'xstate';
import { changePasswordJourney } from './change-password';
import { STICKY_KEYS } from './context';
import { createAccountJourney } from './create-account';
import { loginJourney } from './login';
import { createMainMenu } from './main-menu';
import { applicationsJourney } from './applications';
import { applyJourney } from './apply';
import { profileJourney } from './profile';
import { eraseJourney } from './erase';
import { dutiesJourney } from './duties';
import { paymentsJourney } from './payments';
import { askQueryJourney, queriesJourney } from './queries';
import { workJourney } from './work';
import type { MenuServices } from './services';

export type { MenuServices };

export function createJourneys(services: MenuServices): Record<string, AnyStateMachine> {
  return {
    main: createMainMenu(services),
    createAccount: createAccountJourney(services),
    login: loginJourney(services),
    changePassword: changePasswordJourney(services),
    profile: profileJourney(services),
    erase: eraseJourney(services),
    apply: applyJourney(services),
    applications: applicationsJourney(services, 'all'),
    withdraw: applicationsJourney(services, 'withdraw'),
    work: workJourney(),
    duties: dutiesJourney(services),
    payments: paymentsJourney(services),
    askQuery: askQueryJourney(services),
    queries: queriesJourney(services),
  };
}

export const stickyContext = STICKY_KEYS;

/** A resumed journey that was logged in asks for the password again first (a resume is a new session). */
export const resumeGate = { journey: 'login', sessionOnly: ['authenticated'] } as const;
