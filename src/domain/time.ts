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
