/**
 * The screener page under load, in Debian's Chromium driven by
 * playwright-core: opens the page, scrolls its market list now and then as a
 * user would, and records every long task (main-thread work over 50 ms, the
 * browser's own `longtask` entries) for the given time. Never downloads a
 * browser: without Chromium the check is reported as skipped.
 */
import type { Browser } from "playwright-core";
import { CHROMIUM_PATH, withBrowser } from "../../tests/support/chromium.ts";

/** What the page check found. */
export type PageCheck =
  | {
    readonly status: "ok";
    readonly seconds: number;
    /** Rows the screener rendered in the DOM (virtualised: a few dozen). */
    readonly rows_in_dom: number;
    /** Markets the screener lists. */
    readonly markets: number;
    readonly long_tasks: number;
    readonly long_task_max_ms: number | null;
    readonly long_task_total_ms: number;
  }
  | { readonly status: "skipped"; readonly reason: string };

/** Watches `url` for `seconds`, scrolling its list; reports its long tasks. */
export async function checkScreenerPage(
  url: string,
  seconds: number,
): Promise<PageCheck> {
  try {
    await Deno.stat(CHROMIUM_PATH);
  } catch {
    return { status: "skipped", reason: `no Chromium at ${CHROMIUM_PATH}` };
  }
  try {
    return await withBrowser((browser) => measure(browser, url, seconds));
  } catch (error) {
    return {
      status: "skipped",
      reason: `page check failed: ${
        error instanceof Error ? error.message : String(error)
      }`.slice(0, 300),
    };
  }
}

async function measure(
  browser: Browser,
  url: string,
  seconds: number,
): Promise<PageCheck> {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 960 },
  });
  await page.addInitScript(() => {
    const tasks: number[] = [];
    (globalThis as unknown as { __longTasks: number[] }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(url, { waitUntil: "load" });
  await page.locator('[data-field="screener-row"]').first().waitFor({
    timeout: 30_000,
  });
  // Start counting once the page has loaded: its first render is not
  // the steady state a desk keeps open.
  await page.evaluate(() =>
    (globalThis as unknown as { __longTasks: number[] }).__longTasks.length = 0
  );
  const end = Date.now() + seconds * 1000;
  let step = 0;
  while (Date.now() < end) {
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, step++ % 10 < 5 ? 900 : -900);
    await page.waitForTimeout(1_000);
  }
  const tasks = await page.evaluate(() =>
    (globalThis as unknown as { __longTasks: number[] }).__longTasks
  );
  const rows = await page.locator('[data-field="screener-row"]').count();
  const markets = Number(
    await page.locator('[data-field="screener-count"]').getAttribute(
      "data-total",
    ),
  );
  return {
    status: "ok",
    seconds,
    rows_in_dom: rows,
    markets,
    long_tasks: tasks.length,
    long_task_max_ms: tasks.length === 0
      ? null
      : Math.round(Math.max(...tasks)),
    long_task_total_ms: Math.round(tasks.reduce((a, b) => a + b, 0)),
  };
}
