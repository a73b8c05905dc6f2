// Demo vacancy times count from the Nairobi date of the load, whatever the server's clock zone.
import { resolveDemoTime } from '../../src/domain/demo-dates';

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
