// The domain services the engine provides to the menus. Menus call these and nothing else: no database,
// no HTTP.
import type { Lang } from './screen';

export interface MenuServices {
  preferences: {
    getLanguage(phone: string): Promise<Lang | null>;
    setLanguage(phone: string, lang: Lang): Promise<void>;
  };
}
