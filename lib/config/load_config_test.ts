import assert from "node:assert/strict";
import { loadConfig, type ServiceConfig } from "./load_config.ts";

function ok(env: Record<string, string | undefined>): ServiceConfig {
  const result = loadConfig(env);
  if (!result.ok) assert.fail(`unexpected problems: ${result.problems}`);
  return result.config;
}

function problems(env: Record<string, string | undefined>): string[] {
  const result = loadConfig(env);
  if (result.ok) assert.fail("expected problems, got a config");
  return result.problems;
}

const TOKEN = "s3cret-admin-token-abcdef";

Deno.test("loadConfig - defaults follow the original system", () => {
  const config = ok({});
  assert.deepEqual(config.upstream, {
    mode: "ws",
    tickersUrl: "https://api.bybit.com/v5/market/tickers",
    timeoutMs: 10_000,
    pollIntervalMs: 1_000,
    wsUrl: "wss://stream.bybit.com/v5/public/spot",
    wsFallbackAfterMs: 5_000,
    wsSilenceTimeoutMs: 30_000,
    wsMaxFrameBytes: 1_048_576,
    wsLinearUrl: "wss://stream.bybit.com/v5/public/linear",
    wsDataSilenceMs: 30_000,
    wsTopicSilenceMs: 300_000,
  });
  assert.deepEqual(config.markets, ["spot"]);
  assert.equal(config.followAll, false);
  assert.deepEqual(config.instruments, {
    url: "https://api.bybit.com/v5/market/instruments-info",
    refreshMs: 3_600_000,
    maxPerMarket: 2_000,
  });
  assert.deepEqual(config.symbols, [
    { id: "BTC-USDT", upstream: "BTCUSDT", category: "spot" },
    { id: "ETH-USDT", upstream: "ETHUSDT", category: "spot" },
    { id: "SOL-USDT", upstream: "SOLUSDT", category: "spot" },
    { id: "1000SATS-USDT", upstream: "1000SATSUSDT", category: "spot" },
  ]);
  assert.deepEqual(config.thresholds, {
    "BTC-USDT": 50_000_000,
    "ETH-USDT": 20_000_000,
    "SOL-USDT": 5_000_000,
    "1000SATS-USDT": 1_000_000,
  });
  assert.deepEqual(config.server, {
    hostname: "127.0.0.1",
    port: 8000,
    bodyTimeoutMs: 10_000,
    socketLayer: "ws",
  });
  assert.deepEqual(config.security, {
    publicOrigin: undefined,
    allowedOrigins: [],
    allowMissingOrigin: true,
    adminToken: undefined,
    trustedProxies: [],
    maxSocketsPerIp: 5,
    apiRateLimitPerMinute: 120,
    handshakeRateLimitPerMinute: 60,
    pageRateLimitPerMinute: 60,
  });
  assert.equal(config.historySize, 300);
  assert.equal(config.historyChars, 64 * 1_048_576);
  assert.equal(config.logLevel, "info");
  assert.equal(config.ingestInWorker, true);
});

Deno.test("loadConfig - empty strings mean the default", () => {
  const config = ok({
    CONNECTION_TIMEOUT_SECONDS: "",
    SYMBOLS: "  ",
    PORT: "",
    LOG_LEVEL: "",
    ADMIN_TOKEN: "",
  });
  assert.equal(config.upstream.timeoutMs, 10_000);
  assert.equal(config.symbols.length, 4);
  assert.equal(config.server.port, 8000);
  assert.equal(config.logLevel, "info");
  assert.equal(config.security.adminToken, undefined);
});

Deno.test("loadConfig - SOCKET_LAYER picks the socket layer, ws by default", () => {
  assert.equal(ok({}).server.socketLayer, "ws");
  assert.equal(ok({ SOCKET_LAYER: "Deno" }).server.socketLayer, "deno");
  assert.equal(ok({ SOCKET_LAYER: "" }).server.socketLayer, "ws");
});

Deno.test("loadConfig - valid values are converted", () => {
  const config = ok({
    BYBIT_API_URL: "http://127.0.0.1:9000/v5/market/tickers",
    CONNECTION_TIMEOUT_SECONDS: "2.5",
    STREAM_HEARTBEAT_DELAY: "0.25",
    PORT: "0",
    HOSTNAME: "0.0.0.0",
    HTTP_BODY_TIMEOUT_SECONDS: "2.5",
    PUBLIC_ORIGIN: "https://sentinel.example.com",
    ADMIN_TOKEN: TOKEN,
    TRUST_PROXY: "1",
    TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8::/32,192.0.2.7",
    ALLOW_MISSING_ORIGIN: "false",
    MAX_SOCKETS_PER_IP: "20",
    API_RATE_LIMIT_PER_MINUTE: "600",
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: "30",
    PAGE_RATE_LIMIT_PER_MINUTE: "90",
    HISTORY_SIZE: "50",
    LOG_LEVEL: "DEBUG",
    INGEST_IN_WORKER: "0",
  });
  assert.equal(
    config.upstream.tickersUrl,
    "http://127.0.0.1:9000/v5/market/tickers",
  );
  assert.equal(config.upstream.timeoutMs, 2_500);
  assert.equal(config.upstream.pollIntervalMs, 250);
  assert.deepEqual(config.server, {
    hostname: "0.0.0.0",
    port: 0,
    bodyTimeoutMs: 2_500,
    socketLayer: "ws",
  });
  assert.equal(config.security.adminToken, TOKEN);
  assert.equal(config.security.publicOrigin, "https://sentinel.example.com");
  assert.deepEqual(config.security.trustedProxies, [
    "10.0.0.0/8",
    "2001:db8::/32",
    "192.0.2.7",
  ]);
  assert.equal(config.security.allowMissingOrigin, false);
  assert.equal(config.security.maxSocketsPerIp, 20);
  assert.equal(config.security.apiRateLimitPerMinute, 600);
  assert.equal(config.security.handshakeRateLimitPerMinute, 30);
  assert.equal(config.security.pageRateLimitPerMinute, 90);
  assert.equal(config.historySize, 50);
  assert.equal(config.logLevel, "debug");
  assert.equal(config.ingestInWorker, false);
});

const BAD: readonly [string, string, RegExp][] = [
  ["BYBIT_API_URL", "ftp://example.com/x", /http\(s\) URL/],
  ["BYBIT_API_URL", "not a url", /http\(s\) URL/],
  ["CONNECTION_TIMEOUT_SECONDS", "ten", /positive number of seconds/],
  ["CONNECTION_TIMEOUT_SECONDS", "-1", /positive number of seconds/],
  ["CONNECTION_TIMEOUT_SECONDS", "Infinity", /positive number of seconds/],
  ["STREAM_HEARTBEAT_DELAY", "0", /positive number of seconds/],
  ["STREAM_HEARTBEAT_DELAY", "NaN", /positive number of seconds/],
  ["ALLOWED_ORIGIN_PRIMARY", "http://x.com/", /exact origin/],
  ["ALLOWED_ORIGIN_SECONDARY", "https://a.example/path", /exact origin/],
  ["ALLOW_MISSING_ORIGIN", "yes", /true or false/],
  ["SYMBOLS", "BTC-USDT,../etc", /not ID or ID=UPSTREAM/],
  ["SYMBOLS", "BTC-USDT,btc-usdt", /duplicate symbol BTC-USDT/],
  ["SYMBOLS", ",,,", /at least one symbol/],
  ["WHALE_THRESHOLDS", "BTC-USDT=-5", /positive finite amount/],
  ["WHALE_THRESHOLDS", "BTC-USDT=1e400", /positive finite amount/],
  ["WHALE_THRESHOLDS", "BTC-USDT", /positive finite amount/],
  ["WHALE_THRESHOLD_DEFAULT", "0", /positive amount in USDT/],
  ["PORT", "70000", /port from 0 to 65535/],
  ["PORT", "80.5", /port from 0 to 65535/],
  ["HOSTNAME", "exa mple", /host name or IP address/],
  ["TRUST_PROXY", "maybe", /true or false/],
  ["MAX_SOCKETS_PER_IP", "0", /integer from 1 to 10000/],
  ["MAX_SOCKETS_PER_IP", "2.5", /integer from 1 to 10000/],
  ["API_RATE_LIMIT_PER_MINUTE", "lots", /integer from 1 to 1000000/],
  ["HISTORY_SIZE", "10001", /integer from 1 to 10000/],
  ["HISTORY_MEMORY_MB", "0", /integer from 1 to 1048576/],
  ["LOG_LEVEL", "verbose", /one of debug, info, warn, error/],
  ["INGEST_IN_WORKER", "2", /true or false/],
  ["INGEST_MODE", "websocket", /expected ws or rest/],
  ["BYBIT_WS_URL", "https://stream.bybit.com/v5/public/spot", /ws\(s\) URL/],
  ["BYBIT_WS_URL", "stream.bybit.com", /ws\(s\) URL/],
  ["WS_FALLBACK_AFTER_SECONDS", "0", /positive number of seconds/],
  ["WS_SILENCE_TIMEOUT_SECONDS", "-30", /positive number of seconds/],
  ["HTTP_BODY_TIMEOUT_SECONDS", "0", /positive number of seconds/],
  ["SOCKET_LAYER", "uws", /expected one of ws, deno/],
  ["BYBIT_WS_MAX_FRAME_BYTES", "67108865", /integer from 1 to 67108864/],
  ["PUBLIC_ORIGIN", "https://sentinel.example.com/", /exact origin/],
  ["PUBLIC_ORIGIN", "sentinel.example.com", /exact origin/],
];

for (const [name, value, expected] of BAD) {
  Deno.test(`loadConfig - bad ${name}=${JSON.stringify(value)} names the variable`, () => {
    const found = problems({ [name]: value });
    assert.equal(found.length, 1, found.join("\n"));
    assert.ok(found[0].startsWith(`${name}: `), found[0]);
    assert.match(found[0], expected);
    assert.ok(found[0].includes(JSON.stringify(value)), found[0]);
  });
}

Deno.test("loadConfig - WebSocket ingestion settings are read and converted", () => {
  const config = ok({
    INGEST_MODE: "REST",
    BYBIT_WS_URL: "ws://127.0.0.1:9010/v5/public/spot",
    WS_FALLBACK_AFTER_SECONDS: "0.5",
    WS_SILENCE_TIMEOUT_SECONDS: "1.5",
    BYBIT_WS_MAX_FRAME_BYTES: "65536",
  });
  assert.equal(config.upstream.mode, "rest");
  assert.equal(config.upstream.wsUrl, "ws://127.0.0.1:9010/v5/public/spot");
  assert.equal(config.upstream.wsFallbackAfterMs, 500);
  assert.equal(config.upstream.wsSilenceTimeoutMs, 1_500);
  assert.equal(config.upstream.wsMaxFrameBytes, 65_536);
  assert.equal(ok({ INGEST_MODE: " " }).upstream.mode, "ws");
});

Deno.test("loadConfig - one problem per bad variable", () => {
  const found = problems({
    PORT: "http",
    LOG_LEVEL: "loud",
    HISTORY_SIZE: "-3",
    SYMBOLS: "BTC-USDT",
  });
  assert.deepEqual(found.map((p) => p.split(":")[0]).sort(), [
    "HISTORY_SIZE",
    "LOG_LEVEL",
    "PORT",
  ]);
});

Deno.test("loadConfig - a short ADMIN_TOKEN is rejected without echoing it", () => {
  const secret = "short-secret";
  const found = problems({ ADMIN_TOKEN: secret, PORT: "nope" });
  const line = found.find((p) => p.startsWith("ADMIN_TOKEN: "));
  assert.ok(line, found.join("\n"));
  assert.match(line, /at least 16 characters/);
  for (const problem of found) assert.ok(!problem.includes(secret), problem);
});

Deno.test("loadConfig - an ADMIN_TOKEN with whitespace is refused without echoing it", () => {
  for (
    const secret of [
      "s3cret admin token abcdef",
      " s3cret-admin-token-abcdef",
      "s3cret-admin-token-abcdef\n",
      "s3cret-admin\ttoken-abcdef",
    ]
  ) {
    const found = problems({ ADMIN_TOKEN: secret });
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /^ADMIN_TOKEN: .*whitespace/);
    assert.ok(!found[0].includes(secret.trim()), found[0]);
  }
});

Deno.test("loadConfig - a bad URL is shown without its credentials, query or fragment", () => {
  for (
    const [name, value] of [
      [
        "BYBIT_API_URL",
        "ftp://alice:hunter2@api.bybit.com/v5/market/tickers?token=T0KEN#frag",
      ],
      ["BYBIT_API_URL", "https//alice:hunter2@api.bybit.com?token=T0KEN"],
      [
        "BYBIT_WS_URL",
        "https://alice:hunter2@stream.bybit.com/v5?api_key=T0KEN",
      ],
    ]
  ) {
    const found = problems({ [name]: value });
    assert.equal(found.length, 1, found.join("\n"));
    assert.ok(found[0].startsWith(`${name}: `), found[0]);
    for (const secret of ["alice", "hunter2", "T0KEN", "frag"]) {
      assert.ok(!found[0].includes(secret), found[0]);
    }
    assert.match(found[0], /bybit\.com/, "the host is still shown");
  }
});

Deno.test("loadConfig - TRUST_PROXY=true without TRUSTED_PROXIES names both", () => {
  for (const empty of [undefined, "", " "]) {
    const found = problems({ TRUST_PROXY: "true", TRUSTED_PROXIES: empty });
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /^TRUST_PROXY: .*TRUSTED_PROXIES/);
  }
});

Deno.test("loadConfig - TRUSTED_PROXIES without TRUST_PROXY=true names both", () => {
  const found = problems({ TRUSTED_PROXIES: "10.0.0.1" });
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0], /^TRUSTED_PROXIES: .*TRUST_PROXY/);
});

Deno.test("loadConfig - a bad TRUSTED_PROXIES entry is named", () => {
  for (
    const entry of ["10.0.0.300/8", "proxy.internal", "10.0.0.0/33", "::/129"]
  ) {
    const found = problems({
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: `10.0.0.1,${entry}`,
    });
    assert.equal(found.length, 1, found.join("\n"));
    assert.ok(found[0].startsWith("TRUSTED_PROXIES: "), found[0]);
    assert.ok(found[0].includes(`entry ${JSON.stringify(entry)}`), found[0]);
  }
});

Deno.test("loadConfig - a valid ADMIN_TOKEN never appears in other problems", () => {
  const found = problems({ ADMIN_TOKEN: TOKEN, PORT: "nope", LOG_LEVEL: "x" });
  assert.equal(found.length, 2);
  for (const problem of found) assert.ok(!problem.includes(TOKEN), problem);
});

Deno.test("loadConfig - SYMBOLS accepts ID=UPSTREAM and upper-cases ids", () => {
  const config = ok({ SYMBOLS: "btc-usdt, 1000SATS-USDT=10000satsusdt ,PEPE" });
  assert.deepEqual(config.symbols, [
    { id: "BTC-USDT", upstream: "BTCUSDT", category: "spot" },
    { id: "1000SATS-USDT", upstream: "10000SATSUSDT", category: "spot" },
    { id: "PEPE", upstream: "PEPE", category: "spot" },
  ]);
});

Deno.test("loadConfig - MARKETS adds the perpetuals, named with -PERP", () => {
  const config = ok({ MARKETS: "spot, linear" });
  assert.deepEqual(config.markets, ["spot", "linear"]);
  assert.deepEqual(config.symbols.map((s) => s.id), [
    "BTC-USDT",
    "ETH-USDT",
    "SOL-USDT",
    "1000SATS-USDT",
    "BTC-USDT-PERP",
    "ETH-USDT-PERP",
    "SOL-USDT-PERP",
  ]);
  assert.deepEqual(config.symbols[4], {
    id: "BTC-USDT-PERP",
    upstream: "BTCUSDT",
    category: "linear",
  });
  assert.equal(config.thresholds["BTC-USDT-PERP"], 150_000_000);
  assert.equal(config.alerts.liquidationThresholds["BTC-USDT-PERP"], 1_000_000);
});

Deno.test("loadConfig - MARKETS rejects unknown markets and symbols of others", () => {
  assert.match(
    problems({ MARKETS: "spot,inverse" })[0],
    /^MARKETS: unknown market "inverse"/,
  );
  assert.match(problems({ MARKETS: "" + "," })[0], /^MARKETS: /);
  const found = problems({ SYMBOLS: "BTC-USDT,ETH-USDT-PERP" });
  assert.match(
    found[0],
    /^SYMBOLS: ETH-USDT-PERP is a linear market, not in MARKETS/,
  );
});

Deno.test("loadConfig - SYMBOLS=all follows the listing, starting from the defaults", () => {
  const config = ok({
    SYMBOLS: "ALL",
    MARKETS: "linear",
    INSTRUMENTS_REFRESH_SECONDS: "60",
    INSTRUMENTS_MAX: "500",
    LIQUIDATION_THRESHOLDS: "DOGE-USDT-PERP=5000",
    LIQUIDATION_THRESHOLD_DEFAULT: "7000",
  });
  assert.equal(config.followAll, true);
  assert.deepEqual(config.symbols.map((s) => s.id), [
    "BTC-USDT-PERP",
    "ETH-USDT-PERP",
    "SOL-USDT-PERP",
  ]);
  assert.equal(config.instruments.refreshMs, 60_000);
  assert.equal(config.instruments.maxPerMarket, 500);
  assert.equal(config.lines.liquidation.bySymbol["DOGE-USDT-PERP"], 5000);
  assert.equal(config.lines.liquidation.fallback, 7000);
});

Deno.test("loadConfig - the linear stream URL follows the spot one unless set", () => {
  const derived = ok({
    MARKETS: "spot,linear",
    BYBIT_WS_URL: "ws://127.0.0.1:9010/v5/public/spot",
  });
  assert.equal(
    derived.upstream.wsLinearUrl,
    "ws://127.0.0.1:9010/v5/public/linear",
  );
  const found = problems({
    MARKETS: "spot,linear",
    BYBIT_WS_URL: "ws://127.0.0.1:9010/stream",
  });
  assert.match(found[0], /^BYBIT_WS_LINEAR_URL: /);
  const set = ok({
    MARKETS: "linear",
    BYBIT_WS_URL: "ws://127.0.0.1:9010/stream",
    BYBIT_WS_LINEAR_URL: "ws://127.0.0.1:9010/perps",
  });
  assert.equal(set.upstream.wsLinearUrl, "ws://127.0.0.1:9010/perps");
});

Deno.test("loadConfig - SYMBOLS rejects an id longer than 32 characters", () => {
  const found = problems({ SYMBOLS: "A".repeat(33) });
  assert.match(found[0], /^SYMBOLS: /);
});

Deno.test("loadConfig - WHALE_THRESHOLDS overrides only the named symbols", () => {
  const config = ok({
    SYMBOLS: "BTC-USDT,ETH-USDT,DOGE-USDT",
    WHALE_THRESHOLDS: "btc-usdt=1000, DOGE-USDT=2.5e6",
    WHALE_THRESHOLD_DEFAULT: "42",
  });
  assert.deepEqual(config.thresholds, {
    "BTC-USDT": 1000,
    "ETH-USDT": 20_000_000,
    "DOGE-USDT": 2_500_000,
  });
});

Deno.test("loadConfig - WHALE_THRESHOLD_DEFAULT applies to symbols without one", () => {
  const config = ok({
    SYMBOLS: "BTC-USDT,XRP-USDT",
    WHALE_THRESHOLD_DEFAULT: "7",
  });
  assert.deepEqual(config.thresholds, {
    "BTC-USDT": 50_000_000,
    "XRP-USDT": 7,
  });
});

Deno.test("loadConfig - exact origins are accepted and listed", () => {
  const config = ok({
    ALLOWED_ORIGIN_PRIMARY: "https://a.example:8443",
    ALLOWED_ORIGIN_SECONDARY: "http://localhost:3000",
  });
  assert.deepEqual(config.security.allowedOrigins, [
    "https://a.example:8443",
    "http://localhost:3000",
  ]);
});

Deno.test("loadConfig - origins with a path, slash, default port or junk are rejected", () => {
  for (
    const origin of [
      "http://x.com/",
      "https://a.example:443",
      "https://user@a.example",
      "https://a.example?x=1",
      "https://A.example",
      "ws://a.example",
      "null",
      "a.example",
    ]
  ) {
    const found = problems({ ALLOWED_ORIGIN_PRIMARY: origin });
    assert.equal(found.length, 1, origin);
    assert.match(found[0], /^ALLOWED_ORIGIN_PRIMARY: expected an exact origin/);
  }
});

Deno.test("loadConfig - alert rules and retention default to documented values", () => {
  const { alerts } = ok({});
  assert.deepEqual(alerts, {
    tradeThresholds: {
      "BTC-USDT": 250_000,
      "ETH-USDT": 100_000,
      "SOL-USDT": 50_000,
      "1000SATS-USDT": 25_000,
    },
    spikeThresholds: {
      "BTC-USDT": 4_000_000,
      "ETH-USDT": 1_500_000,
      "SOL-USDT": 400_000,
      "1000SATS-USDT": 80_000,
    },
    liquidationThresholds: {},
    spikeWindowMs: 60_000,
    cooldownMs: 30_000,
    hysteresis: 0.02,
    retentionMaxAgeMs: 30 * 86_400_000,
    retentionMaxCount: 100_000,
  });
});

Deno.test("loadConfig - alert variables are read and converted", () => {
  const { alerts } = ok({
    TRADE_THRESHOLDS: "btc-usdt=1000",
    TRADE_THRESHOLD_DEFAULT: "7",
    SPIKE_THRESHOLDS: "ETH-USDT=2.5",
    SPIKE_THRESHOLD_DEFAULT: "9",
    SPIKE_WINDOW_SECONDS: "0.25",
    ALERT_COOLDOWN_SECONDS: "0",
    ALERT_HYSTERESIS_PERCENT: "0.5",
    ALERT_RETENTION_DAYS: "0.5",
    ALERT_RETENTION_COUNT: "10",
  });
  assert.deepEqual(alerts.tradeThresholds, {
    "BTC-USDT": 1_000,
    "ETH-USDT": 100_000,
    "SOL-USDT": 50_000,
    "1000SATS-USDT": 7,
  });
  assert.equal(alerts.spikeThresholds["ETH-USDT"], 2.5);
  assert.equal(alerts.spikeThresholds["1000SATS-USDT"], 9);
  assert.equal(alerts.spikeWindowMs, 250);
  assert.equal(alerts.cooldownMs, 0);
  assert.equal(alerts.hysteresis, 0.005);
  assert.equal(alerts.retentionMaxAgeMs, 43_200_000);
  assert.equal(alerts.retentionMaxCount, 10);
});

Deno.test("loadConfig - bad alert variables are named", () => {
  const cases: [string, string][] = [
    ["TRADE_THRESHOLDS", "BTC-USDT=0"],
    ["SPIKE_THRESHOLDS", "BTC-USDT"],
    ["TRADE_THRESHOLD_DEFAULT", "-1"],
    ["SPIKE_THRESHOLD_DEFAULT", "lots"],
    ["SPIKE_WINDOW_SECONDS", "0"],
    ["ALERT_COOLDOWN_SECONDS", "-1"],
    ["ALERT_COOLDOWN_SECONDS", "Infinity"],
    ["ALERT_HYSTERESIS_PERCENT", "100"],
    ["ALERT_HYSTERESIS_PERCENT", "-0.1"],
    ["ALERT_RETENTION_DAYS", "0"],
    ["ALERT_RETENTION_COUNT", "1.5"],
    ["ALERT_RETENTION_COUNT", "0"],
  ];
  for (const [name, value] of cases) {
    const found = problems({ [name]: value });
    assert.equal(found.length, 1, `${name}=${value}: ${found.join("\n")}`);
    assert.ok(found[0].startsWith(`${name}: `), found[0]);
  }
});

Deno.test("loadConfig - a threshold override for an untracked symbol names the variable and the symbol", () => {
  for (
    const name of ["WHALE_THRESHOLDS", "TRADE_THRESHOLDS", "SPIKE_THRESHOLDS"]
  ) {
    const result = loadConfig({
      SYMBOLS: "BTC-USDT,ETH-USDT",
      [name]: "BTC-USD=5,ETH-USDT=7",
    });
    assert.equal(result.ok, false, name);
    if (result.ok) continue;
    assert.equal(result.problems.length, 1, result.problems.join("\n"));
    assert.match(
      result.problems[0],
      new RegExp(`^${name}: BTC-USD is not a tracked symbol`),
    );
  }
});

Deno.test("loadConfig - candle horizons and the backfill, with their bounds", () => {
  const defaults = ok({}).candles;
  assert.deepEqual(defaults, {
    horizonsMs: {
      "1s": 2 * 3_600_000,
      "1m": 7 * 86_400_000,
      "1h": 365 * 86_400_000,
    },
    backfillMs: 24 * 3_600_000,
    memoryBytes: 128 * 1_048_576,
  });
  const set = ok({
    CANDLES_1S_HOURS: "0.5",
    CANDLES_1M_DAYS: "1",
    CANDLES_1H_DAYS: "30",
    CANDLES_BACKFILL_HOURS: "0",
    CANDLES_MEMORY_MB: "16",
  }).candles;
  assert.equal(set.memoryBytes, 16 * 1_048_576);
  assert.deepEqual(set.horizonsMs, {
    "1s": 1_800_000,
    "1m": 86_400_000,
    "1h": 30 * 86_400_000,
  });
  assert.equal(set.backfillMs, 0, "0 turns the backfill off");
  const bad = problems({
    CANDLES_1S_HOURS: "25",
    CANDLES_1M_DAYS: "0",
    CANDLES_1H_DAYS: "abc",
    CANDLES_BACKFILL_HOURS: "-1",
    CANDLES_MEMORY_MB: "0",
  });
  assert.equal(bad.length, 5);
  assert.match(
    bad[0],
    /CANDLES_1S_HOURS: expected a number above 0 and at most 24/,
  );
  assert.match(
    bad[3],
    /CANDLES_BACKFILL_HOURS: expected a number from 0 to 43800/,
  );
  assert.match(
    bad[4],
    /CANDLES_MEMORY_MB: expected an integer from 1 to 1048576/,
  );
});
