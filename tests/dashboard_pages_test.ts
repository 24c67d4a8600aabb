/**
 * The dashboard's pages over HTTP (no browser): server-rendered data, deep
 * links, the 404 page, and what the HTML may and may not contain under the
 * CSP.
 */
import assert from "node:assert/strict";
import { deserializeProps } from "../lib/web/island_props.ts";
import type { IslandPayload } from "../lib/web/island_protocol.ts";
import type { CandlesResponse } from "../lib/protocol/candles.ts";
import { pollUntil, startStack } from "./support/start_stack.ts";

const HTML = { headers: { accept: "text/html" } };

function islandPayload(html: string): IslandPayload {
  const json =
    /<script type="application\/json" id="__sats_islands">(.*?)<\/script>/s
      .exec(html)?.[1];
  assert.ok(json, "island props script");
  return deserializeProps(json) as IslandPayload;
}

Deno.test("pages - / renders every pair's latest price and the selected pair's candles", async () => {
  const stack = await startStack();
  try {
    await pollUntil(
      () => stack.service.services.symbols().symbols.every((s) => s.tick),
      "a tick for every symbol",
    );
    const response = await fetch(stack.service.url, HTML);
    assert.equal(response.status, 200);
    assert.match(
      response.headers.get("content-security-policy")!,
      /default-src 'self'/,
    );
    const html = await response.text();
    for (
      const symbol of ["BTC-USDT", "ETH-USDT", "SOL-USDT", "1000SATS-USDT"]
    ) {
      assert.ok(html.includes(`data-symbol="${symbol}"`), symbol);
    }
    assert.doesNotMatch(html, /<script>|<script type="module">|\sstyle="/);
    assert.doesNotMatch(html, /\son[a-z]+="/, "no inline event handlers");
    const payload = islandPayload(html);
    const chart = payload.islands.find(([name]) => name === "price_chart")!;
    const candles = chart[1].candles as CandlesResponse;
    assert.equal(candles.symbol, "BTC-USDT");
    assert.equal(candles.interval, "1m");
    assert.ok(candles.candles.length > 0);
    const strip = payload.islands.find(([name]) => name === "ticker_strip")![1];
    const card = payload.islands.find(([name]) => name === "price_card")![1];
    assert.equal(strip.selected, card.selected, "one selected signal shared");
  } finally {
    await stack.stop();
  }
});

Deno.test("pages - /s/:symbol deep-links a pair, canonicalises case, 404s unknown pairs", async () => {
  const stack = await startStack();
  try {
    const page = await fetch(`${stack.service.url}/s/SOL-USDT`, HTML);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>SOL\/USDT · SATS Sentinel<\/title>/);
    assert.match(html, /class="panel price-card"[^>]*data-symbol="SOL-USDT"/);

    const lower = await fetch(`${stack.service.url}/s/sol-usdt`, {
      ...HTML,
      redirect: "manual",
    });
    assert.equal(lower.status, 308);
    assert.equal(lower.headers.get("location"), "/s/SOL-USDT");
    await lower.body?.cancel();

    const unknown = await fetch(`${stack.service.url}/s/DOGE-USDT`, HTML);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /Nothing is tracked at \/s\/DOGE-USDT/);
    assert.match(unknown.headers.get("x-frame-options")!, /DENY/);

    const hostile = await fetch(`${stack.service.url}/s/%3Cscript%3E`, HTML);
    assert.equal(hostile.status, 404);
    assert.doesNotMatch(await hostile.text(), /<script>/);

    const api = await fetch(`${stack.service.url}/api/nope`, HTML);
    assert.equal(api.status, 404);
    assert.equal((await api.json()).error, "not_found");
  } finally {
    await stack.stop();
  }
});

Deno.test("pages - static files and bundles are cacheable and compressed", async () => {
  const stack = await startStack();
  try {
    const html = await (await fetch(stack.service.url, HTML)).text();
    const boot = /<script type="module" src="([^"]+)"/.exec(html)![1];
    const js = await fetch(`${stack.service.url}${boot}`);
    assert.equal(js.status, 200);
    assert.equal(
      js.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    await js.body?.cancel();
    const css = await fetch(`${stack.service.url}/styles.css`);
    const etag = css.headers.get("etag")!;
    await css.body?.cancel();
    const again = await fetch(`${stack.service.url}/styles.css`, {
      headers: { "if-none-match": etag },
    });
    assert.equal(again.status, 304);
    await again.body?.cancel();
  } finally {
    await stack.stop();
  }
});

Deno.test("pages - the chart is drawn on the server: candles, axes and the last price, sized by the stylesheet", async () => {
  const stack = await startStack();
  try {
    await pollUntil(
      () => stack.service.services.history("BTC-USDT").length > 5,
      "BTC ticks",
    );
    const html = await (await fetch(stack.service.url, HTML)).text();
    const svg = /<svg class="chart style-candles"[^>]*>/.exec(html)?.[0];
    assert.ok(svg, "the chart's svg");
    assert.match(svg, /data-interval="1m"/);
    assert.ok(Number(/data-candles="(\d+)"/.exec(svg)?.[1]) >= 1);
    // No viewBox of its own: the box's size comes from the stylesheet, so
    // it is the same before and after scripts run.
    assert.doesNotMatch(svg, /viewBox|width=|height=/);
    const bodies = /class="body (?:up|down)" d="(M[^"]+)"/.exec(html);
    assert.ok(bodies, "candle bodies drawn");
    assert.match(html, /data-field="last-price"/);
    assert.match(html, /class="x-label[^"]*"[^>]*>\d\d:\d\d/);
  } finally {
    await stack.stop();
  }
});

Deno.test("pages - a whole market: the dashboard streams its first pairs and the selected one, /markets its first rows, /api/symbols?ids= checks a watchlist", async () => {
  const stack = await startStack({
    env: { INGEST_MODE: "ws", SYMBOLS: "all", MARKETS: "spot,linear" },
    exchange: { syntheticSymbols: 60, syntheticPerps: 20 },
  });
  try {
    await pollUntil(
      () => stack.service.services.market().length >= 80,
      "an overview item for 60 pairs and 20 perpetuals",
      30_000,
    );
    const listed = [...stack.service.services.symbolTable.values()];
    const far = listed.findLast((id) => id.endsWith("-PERP"))!;
    assert.ok(listed.indexOf(far) > 4, far);

    // A listed pair (not configured) deep-links; the page names five pairs.
    const html = await (await fetch(
      `${stack.service.url}/s/${far.toLowerCase()}`,
      { ...HTML, redirect: "follow" },
    )).text();
    const payload = islandPayload(html);
    const strip = payload.islands.find(([name]) => name === "ticker_strip")![1];
    assert.deepEqual(strip.symbols, [...listed.slice(0, 4), far]);
    assert.deepEqual(strip.firstSymbols, listed.slice(0, 4));
    assert.equal((strip.ticks as unknown[]).length, 5, "never every pair");
    const shown = [...listed.slice(0, 4), far];
    const network = payload.islands.find(([name]) =>
      name === "network_diagnostics"
    )![1] as {
      diagnostics: { symbols: { symbol: string }[] };
      metrics: { alerts: { raised: object } };
    };
    assert.deepEqual(
      network.diagnostics.symbols.map((s) => s.symbol),
      shown,
      "per-symbol figures of the pairs shown only",
    );
    assert.deepEqual(Object.keys(network.metrics.alerts.raised), shown);
    const controller = payload.islands.find(([name]) =>
      name === "threshold_controller"
    )![1] as { thresholds: object };
    assert.deepEqual(Object.keys(controller.thresholds), shown);

    const markets = await fetch(`${stack.service.url}/markets`, HTML);
    assert.equal(markets.status, 200);
    const page = await markets.text();
    assert.doesNotMatch(page, /\sstyle="/);
    const screener = islandPayload(page).islands.find(([name]) =>
      name === "market_screener"
    )![1];
    assert.equal((screener.items as unknown[]).length, 40);
    assert.equal(screener.total, listed.length);
    assert.deepEqual(screener.markets, ["spot", "linear"]);
    assert.match(page, /data-field="screener-row"/);

    const checked = await (await fetch(
      `${stack.service.url}/api/symbols?ids=${far.toLowerCase()},NOPE-USDT,BTC-USDT`,
    )).json();
    assert.deepEqual(
      checked.symbols.map((s: { symbol: string }) =>
        s.symbol
      ),
      [far, "BTC-USDT"],
    );
    const tooMany = await fetch(
      `${stack.service.url}/api/symbols?ids=${listed.slice(0, 33).join(",")}`,
    );
    assert.equal(tooMany.status, 400);
    await tooMany.body?.cancel();

    // The same ?ids= on every answer that lists each symbol.
    const ids = `ids=${far.toLowerCase()},NOPE-USDT,BTC-USDT`;
    const get = async (path: string) =>
      await (await fetch(`${stack.service.url}${path}?${ids}`)).json();
    // Listed in the service's order, unknown ids left out.
    const asked = listed.filter((id) => id === far || id === "BTC-USDT");
    const diagnostics = await get("/api/diagnostics");
    assert.deepEqual(
      diagnostics.symbols.map((s: { symbol: string }) => s.symbol),
      asked,
    );
    const metrics = await get("/api/metrics");
    assert.deepEqual(Object.keys(metrics.alerts.raised), asked);
    assert.deepEqual(Object.keys(metrics.alerts.suppressed), asked);
    assert.equal(metrics.symbols_tracked, listed.length, "totals: every one");
    const rooms = await get("/api/rooms");
    assert.deepEqual(Object.keys(rooms.rooms), asked);
    const thresholds = await get("/api/thresholds");
    assert.deepEqual(Object.keys(thresholds.thresholds), asked);
    const none = await (await fetch(
      `${stack.service.url}/api/diagnostics?ids=`,
    )).json();
    assert.deepEqual(none.symbols, []);
    const whole = await (await fetch(`${stack.service.url}/api/diagnostics`))
      .json();
    assert.equal(whole.symbols.length, listed.length);
    const refused = await fetch(
      `${stack.service.url}/api/metrics?ids=${listed.slice(0, 33).join(",")}`,
    );
    assert.equal(refused.status, 400);
    assert.match(
      (await refused.json()).detail,
      /ids names at most 32 symbols, got 33/,
    );
  } finally {
    await stack.stop();
  }
});
