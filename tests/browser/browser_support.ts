/**
 * Debian Chromium driven by playwright-core for the dashboard's end-to-end
 * tests: one headless browser per test, pages that record console errors,
 * and screenshots written to `test-output/`. Never downloads a browser.
 */
import type { Browser, Page } from "playwright-core";
import {
  pollUntil,
  type Stack,
  type StackOptions,
  startStack,
} from "../support/start_stack.ts";

import { withBrowser } from "../support/chromium.ts";

export { withBrowser };

/** Screenshots go here (ignored by git). */
export const OUTPUT_DIR = new URL("../../test-output/", import.meta.url);

/** A stack whose every symbol already has a tick (so first paint has prices). */
export async function liveStack(options: StackOptions = {}): Promise<Stack> {
  const stack = await startStack(options);
  await pollUntil(
    () =>
      stack.service.services.symbols().symbols.every((s) => s.tick !== null),
    "a tick for every symbol",
  );
  return stack;
}

/** Runs `body` with a live stack and a headless Chromium, both stopped after. */
export async function withLiveStack(
  body: (stack: Stack, browser: Browser) => Promise<void>,
  options: StackOptions = {},
): Promise<void> {
  const stack = await liveStack(options);
  try {
    await withBrowser((browser) => body(stack, browser));
  } finally {
    await stack.stop();
  }
}

/** A page and the console errors and page errors it produced. */
export interface WatchedPage {
  readonly page: Page;
  readonly errors: string[];
}

/** Opens a page that records console errors and uncaught exceptions. */
export async function watchedPage(
  browser: Browser,
  options: { width?: number; height?: number; javaScriptEnabled?: boolean } =
    {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 960 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, errors };
}

/** Saves a full-page screenshot as `test-output/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({
    path: new URL(`${name}.png`, OUTPUT_DIR).pathname,
    fullPage: true,
  });
}

/** Waits until the page's live indicator says the socket is open. */
export async function waitForLive(
  page: Page,
  timeoutMs = 15_000,
): Promise<void> {
  await page.locator('[data-field="live-pill"].phase-open').waitFor({
    timeout: timeoutMs,
  });
}

/** A task on the renderer's main thread. */
export interface TracedTask {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Traces `page` for `ms` and returns its main thread's tasks, with CPU time:
 * on a shared 2-core machine a descheduled 5 ms task can last 60 ms on the
 * clock without being long work, so budgets are judged on CPU time.
 */
export async function traceMainThreadTasks(
  browser: Browser,
  page: Page,
  ms: number,
): Promise<TracedTask[]> {
  await browser.startTracing(page, {
    categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"],
  });
  // Measuring over a window, not waiting for an event: the window is the point.
  await page.evaluate(
    (duration) => new Promise((resolve) => setTimeout(resolve, duration)),
    ms,
  );
  const trace = JSON.parse(
    new TextDecoder().decode(await browser.stopTracing()),
  ) as {
    traceEvents: {
      name: string;
      ph: string;
      pid: number;
      tid: number;
      dur?: number;
      tdur?: number;
      args?: { name?: string };
    }[];
  };
  const main = trace.traceEvents.filter((e) =>
    e.ph === "M" && e.name === "thread_name" &&
    e.args?.name === "CrRendererMain"
  ).map((e) => `${e.pid}:${e.tid}`);
  return trace.traceEvents
    .filter((e) =>
      e.name === "RunTask" && e.ph === "X" && main.includes(`${e.pid}:${e.tid}`)
    )
    .map((e) => ({
      wallMs: (e.dur ?? 0) / 1_000,
      cpuMs: (e.tdur ?? e.dur ?? 0) / 1_000,
    }));
}
