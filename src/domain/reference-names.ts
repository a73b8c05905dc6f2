// Reference names in the user's language. Exams, activities, positions and duty station types carry an
// optional Kiswahili name (`name_sw`, migration 20261201_040): a Kiswahili user is shown it, and anyone
// else, or a row without one, the name. Duty stations, counties and sub-counties are proper names and
// have no Kiswahili name. docs/kiswahili.md has the glossary the demo names follow.
import type { Lang } from './language';

/** The name to show in `lang`: the Kiswahili name when `lang` is sw and the row has one, else the name. */
export function localName(lang: Lang, name: string, nameSw: string | null | undefined): string {
  return lang === 'sw' && nameSw ? nameSw : name;
}
