// The demo vacancies give their times relative to the day the demo set is loaded, D (`D-11 08:00`:
// eleven days before, at 08:00 Nairobi time; `D+57 23:59`), so that whoever starts the service for the
// first time, whenever that is, finds vacancies open. Only the demo loader reads this form; the
// operator's vacancy import takes calendar times (row-schemas.ts, parseTime). The D keeps the cell
// from starting with + or -, which a spreadsheet would take for a formula.
import { formatEatDate } from './time';

const OFFSET = /^D([+-]\d{1,4})? (\d{2}):(\d{2})$/;
const DAY_MS = 24 * 3600_000;

/**
 * `D+57 23:59` → the calendar time (`2027-01-27 23:59`, Nairobi) that many days after the Nairobi date
 * of `loadedAt`. Any other text is returned as it is, for the time parser to accept or report.
 */
export function resolveDemoTime(text: string, loadedAt: Date): string {
  const m = OFFSET.exec(text.trim());
  if (!m) return text;
  const [, days = '0', hh, mm] = m as unknown as [string, string | undefined, string, string];
  // The load day in Nairobi (dd/mm/yyyy), moved by whole days in UTC: Nairobi keeps no summer time.
  const [d, mo, y] = formatEatDate(loadedAt).split('/').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d) + Number(days) * DAY_MS).toISOString().slice(0, 10);
  return `${day} ${hh}:${mm}`;
}

const DAY_OFFSET = /^D([+-]\d{1,4})?$/;

/**
 * `D+61` → the Nairobi day (`2027-01-31`) that many days after the Nairobi date of `loadedAt`: a demo
 * duty's first or last day. Any other text is returned as it is.
 */
export function resolveDemoDay(text: string, loadedAt: Date): string {
  const m = DAY_OFFSET.exec(text.trim());
  if (!m) return text;
  return resolveDemoTime(`D${m[1] ?? ''} 00:00`, loadedAt).slice(0, 10);
}
