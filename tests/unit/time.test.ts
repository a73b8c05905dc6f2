// Times shown to users are Nairobi time (EAT, UTC+3, no daylight saving), whatever the server's zone.
// Expected values are written out, on both sides of midnight in Nairobi (21:00 UTC).
import { formatEat, formatEatDate } from '../../src/domain/time';

test.each([
  ['2026-12-01T20:59:00Z', '01/12/2026 23:59'],
  ['2026-12-01T21:00:00Z', '02/12/2026 00:00'],
  ['2026-12-01T00:00:00Z', '01/12/2026 03:00'],
  ['2026-11-30T23:30:00Z', '01/12/2026 02:30'],
  ['2026-12-31T20:59:59Z', '31/12/2026 23:59'],
  ['2026-12-31T21:00:00Z', '01/01/2027 00:00'],
  ['2027-02-28T21:00:00Z', '01/03/2027 00:00'],
  ['2026-06-15T05:05:00Z', '15/06/2026 08:05'],
  ['2026-06-15T09:00:00Z', '15/06/2026 12:00'],
  ['2026-06-15T12:00:00Z', '15/06/2026 15:00'],
])('%s is shown as %s', (iso, shown) => {
  expect(formatEat(new Date(iso))).toBe(shown);
});

test.each([
  ['2026-12-01T20:59:00Z', '01/12/2026'],
  ['2026-12-01T21:00:00Z', '02/12/2026'],
  ['2026-12-31T21:00:00Z', '01/01/2027'],
])('the date of %s is %s', (iso, shown) => {
  expect(formatEatDate(new Date(iso))).toBe(shown);
});
