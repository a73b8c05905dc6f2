// A vacancy's statuses and what each allows, in one place (docs/vacancies.md). Pure (no imports), so that
// the console's browser code offers the same actions the domain allows. Whether a vacancy is offered
// (open, opened, not yet closed) is vacancies.ts's `whereOpen`.

export const VACANCY_STATUSES = ['open', 'closed'] as const;
export type VacancyStatus = (typeof VACANCY_STATUSES)[number];

/** The status of a vacancy created or imported without one. */
export const VACANCY_OPEN = 'open' satisfies VacancyStatus;
export const VACANCY_CLOSED = 'closed' satisfies VacancyStatus;

/** Closing changes it (closing a closed vacancy changes nothing): the console offers Close. */
export function isClosable(status: string): boolean {
  return status !== VACANCY_CLOSED;
}
