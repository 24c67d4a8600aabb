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
    /**
     * The longest frames over 50 ms (the browser's `long-animation-frame`
     * entries, longest first, at most five): what each spent, so a long task
     * can be told apart as script, style and layout, or paint.
     */
    readonly long_frames: readonly LongFrame[];
  }
  | { readonly status: "skipped"; readonly reason: string };

/** Where one long animation frame's time went, ms (rounded). */
export interface LongFrame {
  readonly duration_ms: number;
  /** Time the frame kept input waiting (its tasks' time past 50 ms each). */
  readonly blocking_ms: number;
  /** Scripts run in the frame (callbacks, event handlers, promise jobs). */
  readonly script_ms: number;
  /** The longest script: what ran it and its function. */
  readonly top_script: string | null;
  /** Style and layout of the frame's rendering (forced ones are in scripts). */
  readonly style_layout_ms: number;
  /**
   * The rest: paint and the frame's other work, and any time the renderer
   * was not running (on a busy machine, descheduled).
   */
  readonly other_ms: number;
}

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
    const frames: unknown[] = [];
    (globalThis as unknown as { __longFrames: unknown[] }).__longFrames =
      frames;
    // Chromium's Long Animation Frames API (not in the DOM typings yet).
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) frames.push(entry.toJSON());
    }).observe({ type: "long-animation-frame", buffered: true });
  });
  await page.goto(url, { waitUntil: "load" });
  await page.locator('[data-field="screener-row"]').first().waitFor({
    timeout: 30_000,
  });
  // Start counting once the page has loaded: its first render is not
  // the steady state a desk keeps open.
  await page.evaluate(() => {
    const held = globalThis as unknown as {
      __longTasks: number[];
      __longFrames: unknown[];
    };
    held.__longTasks.length = 0;
    held.__longFrames.length = 0;
  });
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
  const frames = await page.evaluate(() =>
    (globalThis as unknown as { __longFrames: unknown[] }).__longFrames
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
    long_frames: frames.map((frame) => longFrame(frame as FrameEntry))
      .sort((a, b) => b.duration_ms - a.duration_ms).slice(0, 5),
  };
}

/** The fields of a `long-animation-frame` entry read here. */
export interface FrameEntry {
  readonly startTime: number;
  readonly duration: number;
  readonly blockingDuration: number;
  readonly styleAndLayoutStart: number;
  readonly scripts: readonly {
    readonly duration: number;
    readonly invoker: string;
    readonly sourceFunctionName: string;
  }[];
}

/** Where `frame`'s time went. */
export function longFrame(frame: FrameEntry): LongFrame {
  const end = frame.startTime + frame.duration;
  const script = frame.scripts.reduce((sum, s) => sum + s.duration, 0);
  const top = frame.scripts.reduce<FrameEntry["scripts"][number] | undefined>(
    (best, s) => best === undefined || s.duration > best.duration ? s : best,
    undefined,
  );
  const styleLayout = frame.styleAndLayoutStart > 0
    ? end - frame.styleAndLayoutStart
    : 0;
  return {
    duration_ms: Math.round(frame.duration),
    blocking_ms: Math.round(frame.blockingDuration),
    script_ms: Math.round(script),
    top_script: top === undefined
      ? null
      : `${top.invoker} ${top.sourceFunctionName || "(anonymous)"} ${
        Math.round(top.duration)
      } ms`,
    style_layout_ms: Math.round(styleLayout),
    other_ms: Math.round(Math.max(0, frame.duration - script - styleLayout)),
  };
}
