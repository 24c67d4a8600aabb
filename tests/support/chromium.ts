/**
 * Where Chromium is and how it is launched, for the browser tests and the
 * benchmarks' page checks: Debian's `/usr/bin/chromium` (never a downloaded
 * browser), headless, without a sandbox or background traffic.
 */
import { type Browser, chromium } from "playwright-core";

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ??
  "/usr/bin/chromium";

/** Flags for a quiet, sandbox-free headless run in CI containers. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Runs `body` with a fresh headless Chromium, closed afterwards. */
export async function withBrowser<T>(
  body: (browser: Browser) => Promise<T>,
): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    return await body(browser);
  } finally {
    await browser.close();
  }
}
