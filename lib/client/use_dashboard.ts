/**
 * The hook every dashboard island calls: returns the page's shared
 * {@linkcode Dashboard} seeded with the island's server-rendered data, and
 * counts mounted islands so the client starts once the page's islands have
 * hydrated and stops — socket closed, timers cleared — with the last one. On
 * the server it returns a fresh, never-started instance per island (no state
 * shared between requests).
 */
import { useEffect, useMemo } from "preact/hooks";
import { afterHydration } from "../web/browser.ts";
import { browserEnvironment } from "./browser_environment.ts";
import { Dashboard } from "./dashboard.ts";
import type { DashboardSeed } from "./dashboard_inputs.ts";

/** True in the browser, false while rendering on the server. */
export const IS_BROWSER = typeof document !== "undefined";

let shared: Dashboard | undefined;
let mounted = 0;

/** The page's dashboard, seeded with `seed` (read once, at first render). */
export function useDashboard(seed: DashboardSeed): Dashboard {
  const dashboard = useMemo(() => {
    const instance = IS_BROWSER
      ? (shared ??= new Dashboard(seed.symbols, browserEnvironment()))
      : new Dashboard(seed.symbols);
    instance.seed(seed);
    return instance;
  }, []);
  useEffect(() => {
    const cancel = mounted++ === 0
      ? afterHydration(() => dashboard.start())
      : undefined;
    return () => {
      cancel?.();
      if (--mounted === 0) dashboard.stop();
    };
  }, [dashboard]);
  return dashboard;
}
