// The lockout rule of passwords and attendance codes (src/domain/lockout.ts), bounded on both sides: the
// max-th wrong entry locks, one fewer does not; the lock ends at its instant, not a moment later.
import { CODE_LOCKOUT, LOGIN_LOCKOUT, afterWrong, isLocked } from '../../src/domain/lockout';

const at = new Date('2026-12-03T08:00:00Z');

test('wrong entries are counted until the max-th, which locks for the rule minutes and restarts the count', () => {
  expect(afterWrong(LOGIN_LOCKOUT, 0, at)).toEqual({ locked: false, failures: 1, left: 4 });
  expect(afterWrong(LOGIN_LOCKOUT, 3, at)).toEqual({ locked: false, failures: 4, left: 1 });
  expect(afterWrong(LOGIN_LOCKOUT, 4, at)).toEqual({
    locked: true,
    failures: 0,
    until: new Date('2026-12-03T08:30:00Z'),
  });
  expect(afterWrong(CODE_LOCKOUT, 1, at)).toEqual({ locked: false, failures: 2, left: 1 });
  expect(afterWrong(CODE_LOCKOUT, 2, at)).toEqual({
    locked: true,
    failures: 0,
    until: new Date('2026-12-03T08:30:00Z'),
  });
});

test('a lock holds until its instant and not at it', () => {
  const until = new Date('2026-12-03T08:30:00Z');
  expect(isLocked(until, new Date(until.getTime() - 1))).toBe(true);
  expect(isLocked(until, until)).toBe(false);
  expect(isLocked(null, at)).toBe(false);
});
