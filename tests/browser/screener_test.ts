/**
 * The screener and the watchlist in Debian Chromium, against the service
 * following a whole simulated market (`SYMBOLS=all`, 600 synthetic pairs and
 * 60 perpetuals): sorting, filtering and scrolling a virtualised table, a
 * row opening the pair's detail view, and a watchlist chosen on the screener
 * that the dashboard's ticker strip shows and keeps across a reload.
 * Screenshots land in `test-output/`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { pollUntil, type Stack, startStack } from "../support/start_stack.ts";
import { screenshot, watchedPage, withBrowser } from "./browser_support.ts";

const ROW = '[data-field="screener-row"]';
const COUNT = '[data-field="screener-count"]';
/** A row whose figures are not in yet. */
const BUSY = `${ROW}[aria-busy="true"]`;

/** A service on the whole simulated market, every pair ticked once. */
async function marketStack(): Promise<Stack> {
  const stack = await startStack({
    env: {
      INGEST_MODE: "ws",
      SYMBOLS: "all",
      MARKETS: "spot,linear",
      STREAM_HEARTBEAT_DELAY: "1",
    },
    exchange: {
      syntheticSymbols: 600,
      syntheticPerps: 60,
      wsPushIntervalMs: 250,
      linearPushIntervalMs: 250,
    },
  });
  await pollUntil(
    () => stack.service.services.market().length >= 660,
    "an overview item for 600 pairs and 60 perpetuals",
    60_000,
  );
  return stack;
}

/** The screener's rows in the DOM: id and 24 h change. */
function rows(page: Page): Promise<{ symbol: string; change: number }[]> {
  return page.$$eval(ROW, (nodes) =>
    nodes.map((node) => ({
      symbol: node.getAttribute("data-symbol") ?? "",
      change: Number(
        (node.querySelector(".col-change")?.textContent ?? "")
          .replace(/[^\d.\u2212+-]/g, "")
          .replace("\u2212", "-"),
      ),
    })));
}

/** Waits until the screener lists every market the socket sent. */
async function loaded(page: Page, atLeast: number): Promise<number> {
  await page.waitForFunction(
    ([selector, min]) =>
      document.querySelector(selector)?.getAttribute("data-live") === "true" &&
      Number(document.querySelector(selector)?.getAttribute("data-total")) >=
        min,
    [COUNT, atLeast] as const,
    { timeout: 30_000 },
  );
  return Number(await page.getAttribute(COUNT, "data-total"));
}

Deno.test("screener - 600 pairs and 60 perpetuals: sort, filter, scroll and click through", async () => {
  const stack = await marketStack();
  try {
    await withBrowser(async (browser) => {
      const { page, errors } = await watchedPage(browser);
      await page.goto(`${stack.service.url}/markets`);
      const total = await loaded(page, 660);
      const inDom = await page.locator(ROW).count();
      assert.ok(inDom > 10 && inDom < 80, `${inDom} rows in the DOM`);

      // Sort by 24 h change: largest first, then smallest first. A new
      // order shows every row's figures at once.
      await page.click('[data-sort="change"]');
      assert.equal(await page.locator(BUSY).count(), 0, "no row waits");
      let shown = await rows(page);
      for (let i = 1; i < 10; i++) {
        assert.ok(shown[i - 1].change >= shown[i].change, "descending");
      }
      await page.click('[data-sort="change"]');
      await page.waitForFunction(
        (selector) =>
          document.querySelector(selector)?.closest('[role="columnheader"]')
            ?.getAttribute("aria-sort") === "ascending",
        '[data-sort="change"]',
      );
      shown = await rows(page);
      for (let i = 1; i < 10; i++) {
        assert.ok(shown[i - 1].change <= shown[i].change, "ascending");
      }

      // A star keeps focus only while its row shows its market.
      const focusedSymbol = () =>
        page.evaluate(() =>
          document.activeElement?.closest('[data-field="screener-row"]')
            ?.getAttribute("data-symbol") ?? null
        );
      await page.focus(`${ROW} [data-field="watch"]`);
      const starred = await focusedSymbol();
      assert.ok(starred, "a star has focus");

      // Scrolled to the end, the last market is rendered; the DOM stays small.
      await page.$eval(
        '[data-field="screener-body"]',
        (el) => el.scrollTo({ top: el.scrollHeight }),
      );
      await page.waitForFunction(
        ([row, count]) =>
          document.querySelector(`${row}:last-child`)?.getAttribute(
            "aria-rowindex",
          ) === String(count + 1),
        [ROW, total] as const,
      );
      assert.ok((await page.locator(ROW).count()) < 80);
      // Rows scrolled in show their market a few frames later; until then
      // the name, star and figures they held for another market are hidden.
      // One evaluation (`$$eval` queries, then calls back: a row may fill
      // in between).
      const hidden = await page.evaluate(
        (busy) =>
          [...document.querySelectorAll(
            `${busy} .col-symbol, ${busy} .col-watch, ${busy} .col-price`,
          )].every((node) => getComputedStyle(node).visibility === "hidden"),
        BUSY,
      );
      assert.ok(hidden, "a waiting row draws nothing of another market");
      await page.waitForFunction(
        (busy) => document.querySelectorAll(busy).length === 0,
        BUSY,
      );
      // Rows scrolled in take over the DOM of rows scrolled out: each links
      // its own pair once filled, and they stay in order.
      const consistent = await page.$$eval(
        ROW,
        (nodes) =>
          nodes.every((node, i) =>
            node.querySelector('[data-field="screener-link"]')?.getAttribute(
                "href",
              ) ===
              `/s/${
                encodeURIComponent(node.getAttribute("data-symbol") ?? "")
              }` &&
            (i === 0 ||
              Number(node.getAttribute("aria-rowindex")) ===
                Number(nodes[i - 1].getAttribute("aria-rowindex")) + 1)
          ),
      );
      assert.ok(consistent, "every row names its own pair, in order");
      const now = await focusedSymbol();
      assert.ok(
        now === null || now === starred,
        `focus stayed on a star now showing ${now}, not ${starred}`,
      );

      // Filter by text, then by market.
      await page.fill('[data-field="screener-filter"]', "btc");
      await page.waitForFunction(
        (selector) =>
          document.querySelector(selector)?.getAttribute("data-shown") === "2",
        COUNT,
      );
      assert.deepEqual(
        (await rows(page)).map((r) => r.symbol).sort(),
        ["BTC-USDT", "BTC-USDT-PERP"],
      );
      await page.click('[data-market="linear"]');
      await page.waitForFunction(
        (selector) =>
          document.querySelector(selector)?.getAttribute("data-shown") === "1",
        COUNT,
      );
      await page.fill('[data-field="screener-filter"]', "");
      await page.waitForFunction(
        (selector) =>
          Number(
            document.querySelector(selector)?.getAttribute("data-shown"),
          ) >=
            60,
        COUNT,
      );
      assert.ok(
        (await rows(page)).every((r) => r.symbol.endsWith("-PERP")),
        "perpetuals only",
      );
      await page.click('[data-market="all"]');
      await screenshot(page, "screener-desktop");

      // A click on a row opens the pair's detail view.
      const target = (await rows(page))[3].symbol;
      await page.click(`${ROW}[data-symbol="${target}"] .col-price`);
      await page.waitForURL(`**/s/${target}`);
      await page.locator(`.ticker[data-symbol="${target}"]`).waitFor();
      assert.deepEqual(errors, []);
    });
    await withBrowser(async (browser) => {
      const { page, errors } = await watchedPage(browser, {
        width: 375,
        height: 800,
      });
      await page.goto(`${stack.service.url}/markets`);
      await loaded(page, 660);
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth -
        document.documentElement.clientWidth
      );
      assert.ok(overflow <= 0, `no sideways scroll at 375 px (${overflow})`);
      await screenshot(page, "screener-375");
      assert.deepEqual(errors, []);
    });
  } finally {
    await stack.stop();
  }
});

Deno.test("screener - a watchlist starred there is the dashboard's ticker strip, kept across a reload", async () => {
  const stack = await marketStack();
  try {
    await withBrowser(async (browser) => {
      const { page, errors } = await watchedPage(browser);
      await page.goto(`${stack.service.url}/`);
      const strip = () =>
        page.$$eval(
          ".ticker-list .ticker:not(.is-unwatched)",
          (nodes) => nodes.map((n) => n.getAttribute("data-symbol")),
        );
      // The default: the first four tracked pairs.
      const first = await strip();
      assert.equal(first.length, 4);

      // Star a pair far down the listing, and take the first one off.
      await page.goto(`${stack.service.url}/markets`);
      await loaded(page, 660);
      await page.fill('[data-field="screener-filter"]', "-PERP");
      const starred = (await rows(page)).find((r) =>
        !first.includes(r.symbol)
      )!.symbol;
      await page.click(`${ROW}[data-symbol="${starred}"] [data-field="watch"]`);
      await page.fill('[data-field="screener-filter"]', first[0]!);
      await page.click(
        `${ROW}[data-symbol="${first[0]}"] [data-field="watch"]`,
      );
      const expected = [...first.slice(1), starred];

      await page.goto(`${stack.service.url}/`);
      await page.waitForFunction(
        (want) =>
          [...document.querySelectorAll(
            ".ticker-list .ticker:not(.is-unwatched)",
          )]
            .map((n) => n.getAttribute("data-symbol")).join() === want,
        expected.join(),
      );
      // The added pair streams live on the page like the others.
      await page.locator(
        `.ticker[data-symbol="${starred}"] [data-field="price"]`,
      ).filter({ hasText: /\d/ }).waitFor();
      await page.reload();
      await page.waitForFunction(
        (want) =>
          [...document.querySelectorAll(
            ".ticker-list .ticker:not(.is-unwatched)",
          )]
            .map((n) => n.getAttribute("data-symbol")).join() === want,
        expected.join(),
      );
      assert.deepEqual(await strip(), expected);
      // The selected pair, off the list now, keeps a tab of its own.
      assert.equal(
        await page.getAttribute(".ticker.is-unwatched", "data-symbol"),
        first[0],
      );
      await screenshot(page, "watchlist-desktop");
      assert.deepEqual(errors, []);
    });
  } finally {
    await stack.stop();
  }
});
