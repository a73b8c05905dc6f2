// The menu tree the engine runs, and what must survive Back and Home.
import { createMainMenu } from './main-menu';
import type { MenuServices } from './services';

export type { MenuServices };

export function createMenu(services: MenuServices) {
  return createMainMenu(services);
}

/** Context that Back and Home carry forward instead of restoring (a language chosen on the way). */
export const stickyContext = ['lang', 'langKnown'] as const;
