import { createJourneys, resumeGate, stickyContext, type MenuServices } from '../../menus';
import { UssdEngine, type EngineOptions } from './engine';
import { MenuRuntime } from './menu-runtime';
import type { SessionStore } from './session-store';

export { UssdEngine, type EngineOptions, type Hop, type HopResult } from './engine';

export function createEngine(
  store: SessionStore,
  services: MenuServices,
  opts: Omit<EngineOptions, 'resumeGate'>,
): UssdEngine {
  return new UssdEngine(store, new MenuRuntime(createJourneys(services), stickyContext), {
    ...opts,
    resumeGate,
  });
}
