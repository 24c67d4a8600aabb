/**
 * The hook every screener-page island calls: the page's shared
 * {@linkcode MarketPage} seeded with the island's server-rendered data,
 * started once the islands have hydrated and stopped with the last one (as
 * `use_dashboard.ts` does for the dashboard). On the server it returns a
 * fresh, never-started instance per island.
 */
import { useEffect, useMemo } from "preact/hooks";
import { afterHydration } from "../web/browser.ts";
import { browserEnvironment } from "./browser_environment.ts";
import { MarketPage, type MarketPageSeed } from "./market_page.ts";
import { IS_BROWSER } from "./use_dashboard.ts";

let shared: MarketPage | undefined;
let mounted = 0;

/** The page's market client, seeded with `seed` (read once, at first render). */
export function useMarketPage(seed: MarketPageSeed): MarketPage {
  const page = useMemo(() => {
    const instance = IS_BROWSER
      ? (shared ??= new MarketPage(browserEnvironment()))
      : new MarketPage();
    instance.seed(seed);
    return instance;
  }, []);
  useEffect(() => {
    const cancel = mounted++ === 0
      ? afterHydration(() => page.start())
      : undefined;
    return () => {
      cancel?.();
      if (--mounted === 0) page.stop();
    };
  }, [page]);
  return page;
}
