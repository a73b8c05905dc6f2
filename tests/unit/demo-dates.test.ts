// Demo vacancy times count from the Nairobi date of the load, whatever the server's clock zone.
import { resolveDemoDay, resolveDemoTime } from '../../src/domain/demo-dates';
import { eatDay, formatDay, isDay } from '../../src/domain/time';

describe('resolveDemoTime', () => {
  const loadedAt = new Date('2027-02-10T12:00:00Z'); // 15:00 in Nairobi, 10 February

  test('days before and after the load day, at the given Nairobi time', () => {
    expect(resolveDemoTime('D-11 08:00', loadedAt)).toBe('2027-01-30 08:00');
    expect(resolveDemoTime('D+57 23:59', loadedAt)).toBe('2027-04-08 23:59');
    expect(resolveDemoTime('D 08:00', loadedAt)).toBe('2027-02-10 08:00');
    expect(resolveDemoTime('D+0 17:00', loadedAt)).toBe('2027-02-10 17:00');
  });

  test('the load day is the Nairobi date: 22:30 UTC is already the next day there', () => {
    expect(resolveDemoTime('D+0 08:00', new Date('2027-02-28T22:30:00Z'))).toBe('2027-03-01 08:00');
  });

  test('a calendar time, or anything else, is left for the time parser', () => {
    expect(resolveDemoTime('2026-12-01 08:00', loadedAt)).toBe('2026-12-01 08:00');
    expect(resolveDemoTime('+57d 23:59', loadedAt)).toBe('+57d 23:59');
    expect(resolveDemoTime('D+57', loadedAt)).toBe('D+57');
  });
});

describe("resolveDemoDay (a duty's days, issue 12)", () => {
  test('days after the Nairobi load day; anything else left for the day parser', () => {
    const loadedAt = new Date('2027-02-28T22:30:00Z'); // already 1 March in Nairobi
    expect(resolveDemoDay('D+61', loadedAt)).toBe('2027-05-01');
    expect(resolveDemoDay('D', loadedAt)).toBe('2027-03-01');
    expect(resolveDemoDay('2027-05-01', loadedAt)).toBe('2027-05-01');
    expect(resolveDemoDay('', loadedAt)).toBe('');
  });

  test('Nairobi days: the day of an instant, written for screens, and real days only', () => {
    expect(eatDay(new Date('2026-12-02T21:30:00Z'))).toBe('2026-12-03');
    expect(formatDay('2026-12-03')).toBe('03/12/2026');
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-2-3')).toBe(false);
  });
});
