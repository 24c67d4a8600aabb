/**
 * The dashboard's browser soak: opens `/` in Debian Chromium against a
 * running service, shows a window of candles (a day of 1 m bars by default)
 * and keeps it live for N minutes, taking the page's JS heap after a forced
 * GC once a minute, and traces the main thread's tasks for the first 60 s.
 * The budget is a flat heap (within ±2 MB after GC) and no task over 50 ms
 * of CPU. Run once, by hand, on a quiet machine; it prints one JSON report.
 *
 *     deno task demo &            # or any running service
 *     deno run -A bench/page_soak.ts --url=http://127.0.0.1:8000 --minutes=10
 *
 * `--synthetic-day` answers the page's 1 m candle requests with a generated
 * day (for a service that has not stored a day of bars yet); live ticks and
 * frames still come from the service.
 */
import type { Page } from "playwright-core";
import {
  traceMainThreadTasks,
  withBrowser,
} from "../tests/browser/browser_support.ts";

/** One heap reading after a forced GC. */
export interface HeapSample {
  readonly minute: number;
  readonly usedBytes: number;
}

/** What the soak concludes about the heap. */
export interface HeapSummary {
  readonly firstMb: number;
  readonly lastMb: number;
  readonly maxMb: number;
  /** Last minus first, MB. */
  readonly deltaMb: number;
  /** Within ±2 MB. */
  readonly flat: boolean;
}

const MB = 1024 * 1024;
const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Summarises heap samples. The first minute is a warm-up (bundles parsed,
 * the day of bars loaded), so with three samples or more the baseline is
 * the second.
 */
export function summarizeHeap(samples: readonly HeapSample[]): HeapSummary {
  if (samples.length === 0) throw new RangeError("samples must not be empty");
  const base = samples[samples.length > 2 ? 1 : 0].usedBytes;
  const last = samples[samples.length - 1].usedBytes;
  const max = Math.max(...samples.map((s) => s.usedBytes));
  const deltaMb = (last - base) / MB;
  return {
    firstMb: round(base / MB),
    lastMb: round(last / MB),
    maxMb: round(max / MB),
    deltaMb: round(deltaMb),
    flat: Math.abs(deltaMb) <= 2,
  };
}

function flag(name: string, fallback?: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((a) => a.startsWith(prefix))?.slice(prefix.length) ??
    (Deno.args.includes(`--${name}`) ? "true" : fallback);
}

async function syntheticDay(page: Page): Promise<void> {
  await page.route(/\/api\/candles\?/, async (route) => {
    const url = new URL(route.request().url());
    if (url.searchParams.get("interval") !== "1m") return route.continue();
    const from = Number(url.searchParams.get("from"));
    const to = Math.min(Number(url.searchParams.get("to")), Date.now());
    const candles = [];
    let price = 60_000;
    for (let t = Math.ceil(from / 60_000) * 60_000; t < to; t += 60_000) {
      const o = price;
      price += Math.sin(t / 3_600_000) * 30;
      candles.push({
        t,
        o,
        h: Math.max(o, price) + 10,
        l: Math.min(o, price) - 10,
        c: price,
        v: 1 + (t / 60_000) % 9,
        turnover: 0,
      });
    }
    await route.fulfill({
      json: {
        symbol: url.searchParams.get("symbol"),
        interval: "1m",
        candles,
        outages: [],
      },
    });
  });
}

if (import.meta.main) {
  const url = flag("url");
  if (!url) {
    console.error(
      "Usage: page_soak.ts --url=<service> [--minutes=10] [--window=1d] [--synthetic-day]",
    );
    Deno.exit(2);
  }
  const minutes = Number(flag("minutes", "10"));
  const window = flag("window", "1d")!;
  await withBrowser(async (browser) => {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 960 },
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    if (flag("synthetic-day")) await syntheticDay(page);
    await page.goto(url);
    await page.locator('[data-field="live-pill"].phase-open').waitFor({
      timeout: 30_000,
    });
    await page.locator(`.chart-tools button:has-text("${window}")`).click();
    const cdp = await page.context().newCDPSession(page);
    const heap = async (minute: number): Promise<HeapSample> => {
      await cdp.send("HeapProfiler.collectGarbage");
      const usage = await cdp.send("Runtime.getHeapUsage") as {
        usedSize: number;
      };
      return { minute, usedBytes: usage.usedSize };
    };
    const samples: HeapSample[] = [await heap(0)];
    const tasks = await traceMainThreadTasks(browser, page, 60_000);
    samples.push(await heap(1));
    for (let minute = 2; minute <= minutes; minute++) {
      await page.waitForTimeout(60_000);
      samples.push(await heap(minute));
      console.error(
        `[soak] minute ${minute}: ${
          (samples.at(-1)!.usedBytes / MB).toFixed(2)
        } MB`,
      );
    }
    const candles = await page.getAttribute("svg.chart", "data-candles");
    console.log(JSON.stringify(
      {
        url,
        window,
        candles: Number(candles),
        minutes,
        load_average: (await Deno.readTextFile("/proc/loadavg")).trim(),
        heap: summarizeHeap(samples),
        samples_mb: samples.map((s) => round(s.usedBytes / MB)),
        first_minute_tasks: {
          count: tasks.length,
          longest_cpu_ms: round(Math.max(...tasks.map((t) => t.cpuMs))),
          over_50ms_cpu: tasks.filter((t) => t.cpuMs > 50).length,
          over_50ms_wall: tasks.filter((t) => t.wallMs > 50).length,
        },
        page_errors: errors,
      },
      null,
      2,
    ));
  });
}
