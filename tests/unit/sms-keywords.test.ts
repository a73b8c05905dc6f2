// The SMS keywords as people type them (src/domain/sms-keywords.ts): what follows a keyword (a query's
// question, a check-in code) as the matcher hands it on, and which slips are forgiven.
import { matchKeyword } from '../../src/domain/sms-keywords';

test.each([
  ['QUERY When will I be paid?', 'When will I be paid?'],
  ['QUERY:When will I be paid?', 'When will I be paid?'],
  ['QUERY-When will I be paid?', 'When will I be paid?'],
  ['  QUERY  When will I be paid?  ', 'When will I be paid?'],
  ['...QUERY When will I be paid?', 'When will I be paid?'],
  ['Swali: Nitalipwa lini?', 'Nitalipwa lini?'],
])('%j: the question is %j', (text, question) => {
  expect(matchKeyword(text)).toMatchObject({ keyword: 'QUERY', arg: question });
});

test('a slip in a five-letter keyword is forgiven (QEURY, SWAIL); a four-letter one must be exact', () => {
  expect(matchKeyword('QEURY When will I be paid?')).toMatchObject({ keyword: 'QUERY', lang: 'en' });
  expect(matchKeyword('SWAIL Nitalipwa lini?')).toMatchObject({ keyword: 'QUERY', lang: 'sw' });
  expect(matchKeyword('HALO')).toBeUndefined();
});

test.each([
  ['IN', { keyword: 'CHECKIN', lang: 'en', arg: '' }],
  ['IN 493 817', { keyword: 'CHECKIN', lang: 'en', arg: '493817' }],
  ['nje 493-817', { keyword: 'CHECKOUT', lang: 'sw', arg: '493817' }],
] as const)('%j: %j', (text, match) => {
  expect(matchKeyword(text)).toEqual(match);
});
