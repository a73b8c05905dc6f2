/** The languages the service speaks: English and Kiswahili. */
export type Lang = 'en' | 'sw';
export const LANGS: readonly Lang[] = ['en', 'sw'];
