// Times shown to users are East Africa Time, written with digits so they read the same in both languages.
const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Africa/Nairobi',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** `29/11/2026 14:05` in Nairobi time. */
export function formatEat(date: Date): string {
  return fmt.format(date).replace(',', '');
}

/** `29/11/2026` in Nairobi time. */
export function formatEatDate(date: Date): string {
  return formatEat(date).slice(0, 10);
}

/** What the service reads the time from: the wall clock, or a test's clock that can be moved. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The calendar day in Nairobi, as a date column holds it: `2026-11-29`. */
export function eatDay(date: Date): string {
  const d = formatEatDate(date);
  return `${d.slice(6, 10)}-${d.slice(3, 5)}-${d.slice(0, 2)}`;
}

/** The calendar year in Nairobi (it starts three hours before UTC's). */
export function eatYear(date: Date): number {
  return Number(formatEatDate(date).slice(6, 10));
}

/** Nairobi's offset from UTC, as a time written without one is read (East Africa Time has no DST). */
export const EAT_OFFSET = '+03:00';

/** `14:05` in Nairobi time. */
export function formatEatTime(date: Date): string {
  return formatEat(date).slice(11, 16);
}

/** A calendar day `2026-11-29` as the screens write it: `29/11/2026`. */
export function formatDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** Whether `text` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}
