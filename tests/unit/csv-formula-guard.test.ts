import { neutraliseFormula } from '../../src/db/csv-formula-guard';

test.each([
  ['=1+1', "'=1+1"],
  ['+A1', "'+A1"],
  ['-A1', "'-A1"],
  ['-2+3', "'-2+3"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\t=1', "'\t=1"],
  ['\r=1', "'\r=1"],
  ['＝1+1', "'＝1+1"],
  ['＠A1', "'＠A1"],
  // Plain numbers are no formula: written as they are.
  ['-5', '-5'],
  ['-1.25', '-1.25'],
  ['+254712345678', '+254712345678'],
  // Nothing to do.
  ['Kenyatta University', 'Kenyatta University'],
  ['a=b', 'a=b'],
  ["'=1", "'=1"],
  ['', ''],
])('%j is written %j', (cell, written) => {
  expect(neutraliseFormula(cell)).toBe(written);
});
