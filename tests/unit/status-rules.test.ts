// The status rules the console's browser code shares with the domain (they run bundled in Chromium there,
// where mutation runs do not see them): what each status allows, and how active applications are counted.
import { activeCount, isUndecided } from '../../src/domain/application-status';
import { isDecidable, isPayable } from '../../src/domain/claim-status';

test('active applications are the submitted and the approved, never the rejected or withdrawn', () => {
  expect(activeCount({ submitted: 2, approved: 3, rejected: 5, withdrawn: 7 })).toBe(5);
  expect(activeCount({ rejected: 1 })).toBe(0);
  expect(isUndecided('submitted')).toBe(true);
  expect(isUndecided('approved')).toBe(false);
});

test('only a pending claim is decided, only an approved one paid', () => {
  expect(['pending', 'approved', 'rejected', 'paid'].filter(isDecidable)).toEqual(['pending']);
  expect(['pending', 'approved', 'rejected', 'paid'].filter(isPayable)).toEqual(['approved']);
});
