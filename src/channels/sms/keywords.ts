// Keywords texted to the short code: case- and space-insensitive, English and Kiswahili aliases.
import type { Lang } from '../../../menus/screen';

export type Keyword = 'PASSWORD' | 'HELP' | 'STATUS';

const ALIASES: Record<string, { keyword: Keyword; lang: Lang }> = {
  PASSWORD: { keyword: 'PASSWORD', lang: 'en' },
  NENOSIRI: { keyword: 'PASSWORD', lang: 'sw' },
  HELP: { keyword: 'HELP', lang: 'en' },
  MSAADA: { keyword: 'HELP', lang: 'sw' },
  STATUS: { keyword: 'STATUS', lang: 'en' },
  HALI: { keyword: 'STATUS', lang: 'sw' },
};

/** `' pass word '`, `Password`, `NENO SIRI` all match; `PASSWORD please` matches on its first word. */
export function parseKeyword(text: string): { keyword: Keyword; lang: Lang } | undefined {
  const upper = text.normalize('NFKC').toUpperCase();
  const collapsed = upper.replace(/[^A-Z]/g, '');
  const firstWord =
    upper
      .trim()
      .split(/\s+/)[0]
      ?.replace(/[^A-Z]/g, '') ?? '';
  return ALIASES[collapsed] ?? ALIASES[firstWord];
}
