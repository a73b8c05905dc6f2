// The keyword matcher forgives one slip of the thumb by this distance (sms-keywords.ts): the distances are
// written out, so that a wrong first row or column, or a swap counted as two edits, fails here.
import { editDistance } from '../../src/domain/edit-distance';

test.each([
  ['', '', 0],
  ['', 'HELP', 4],
  ['HALI', '', 4],
  ['STATUS', 'STATUS', 0],
  ['STAUS', 'STATUS', 1], // a letter left out
  ['STATTUS', 'STATUS', 1], // one typed twice
  ['STATIS', 'STATUS', 1], // the key beside it
  ['PASSWROD', 'PASSWORD', 1], // two letters swapped: one edit, not two
  ['SPASWORD', 'PASSWORD', 2],
  ['kitten', 'sitting', 3],
  ['abc', 'ca', 3], // optimal string alignment: a swapped pair is not edited again
  ['MALIPO', 'MLAIPO', 1],
] as const)('%j to %j: %i', (a, b, distance) => {
  expect(editDistance(a, b)).toBe(distance);
  expect(editDistance(b, a)).toBe(distance);
});
