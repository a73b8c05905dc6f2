import { PASSWORD_MAX, PASSWORD_MIN } from '../src/domain/limits';
import type { LoginResult } from './services';
import { screen, type InputSpec, type TextRef } from './screen';

/** Every password prompt: digits, kept secret by the engine. */
export const PASSWORD_INPUT: InputSpec = {
  kind: 'digits',
  min: PASSWORD_MIN,
  max: PASSWORD_MAX,
  secret: true,
};

type Checked = { event: { output: LoginResult } };

/** The notice above a password prompt after a wrong password: how many tries are left. */
export const wrongPasswordNotice = ({ event }: Checked): TextRef => ({
  key: 'login.wrong',
  plural: 'left',
  params: { left: event.output.status === 'wrong' ? event.output.attemptsLeft : 0 },
});

/** Until when a locked account stays locked, as shown to the user. */
export const lockedUntil = ({ event }: Checked): string =>
  event.output.status === 'locked' ? event.output.until : '';

/** The END screen of a locked account (after the fifth wrong password, or while the lock lasts). */
export const lockedScreen = screen<{ lockedUntil?: string }>((ctx) => ({
  id: 'login.locked',
  text: { key: 'login.locked', params: { time: ctx.lockedUntil ?? '' } },
  end: true,
}));
