import { PASSWORD_MAX, PASSWORD_MIN } from '../src/domain/passwords';
import type { InputSpec } from './screen';

/** Every password prompt: digits, kept secret by the engine. */
export const PASSWORD_INPUT: InputSpec = {
  kind: 'digits',
  min: PASSWORD_MIN,
  max: PASSWORD_MAX,
  secret: true,
};
