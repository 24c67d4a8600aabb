import assert from "node:assert/strict";
import {
  directionArrow,
  formatClockUtc,
  formatCompact,
  formatCount,
  formatDuration,
  formatIsoUtc,
  formatPercent,
  formatPrice,
  formatUsd,
  formatUsdt,
  pairLabel,
} from "./format.ts";

Deno.test("formatPrice - digits follow magnitude and never blank", () => {
  assert.equal(formatPrice(63061.655), "63,061.66");
  assert.equal(formatPrice(3000.13), "3,000.13");
  assert.equal(formatPrice(142.5), "142.5000");
  assert.equal(formatPrice(0.00034123), "0.0003412");
  assert.equal(formatPrice(-2.5), "\u22122.5000");
  assert.equal(formatPrice(NaN), "—");
  assert.equal(formatPrice(undefined), "—");
});

Deno.test("formatPercent - sign in text, zero unsigned", () => {
  assert.equal(formatPercent(1.234), "+1.23%");
  assert.equal(formatPercent(-0.675), "\u22120.68%");
  assert.equal(formatPercent(-0.001), "0.00%");
  assert.equal(formatPercent(Infinity), "—");
  assert.equal(directionArrow(2), "▲");
  assert.equal(directionArrow(-2), "▼");
  assert.equal(directionArrow(0), "■");
});

Deno.test("formatUsd - compact units", () => {
  assert.equal(formatUsd(63_886_000.8671), "$63.9M");
  assert.equal(formatUsd(1_250_000_000), "$1.25B");
  assert.equal(formatUsd(950_000), "$950K");
  assert.equal(formatUsd(5_000_000), "$5M");
  assert.equal(formatUsd(12.345), "$12.35");
  assert.equal(formatUsdt(50_000_000), "50,000,000 USDT");
});

Deno.test("formatIsoUtc - ISO-8601 in UTC with the zone", () => {
  assert.equal(
    formatIsoUtc("2026-11-24T07:55:37.123Z"),
    "2026-11-24T07:55:37Z",
  );
  assert.equal(formatIsoUtc(0), "1970-01-01T00:00:00Z");
  assert.equal(formatIsoUtc("nonsense"), "—");
  assert.equal(formatClockUtc(Date.UTC(2026, 0, 1, 13, 4, 5)), "13:04:05");
});

Deno.test("formatDuration - scales its unit", () => {
  assert.equal(formatDuration(450.2), "450 ms");
  assert.equal(formatDuration(12_999), "12 s");
  assert.equal(formatDuration(185_000), "3 m 05 s");
  assert.equal(formatDuration(7_380_000), "2 h 03 m");
  assert.equal(formatDuration(367_200_000), "4 d 06 h");
  assert.equal(formatDuration(-1), "—");
  assert.equal(formatCount(12408.4), "12,408");
});

Deno.test("formatCompact - sizes and volumes without a currency", () => {
  assert.equal(formatCompact(12_345), "12.3K");
  assert.equal(formatCompact(0.0042), "0.0042");
  assert.equal(formatCompact(1.5), "1.5");
  assert.equal(formatCompact(-2_500_000), "\u22122.5M");
  assert.equal(formatCompact(NaN), "—");
});

Deno.test("pairLabel - spot pairs and perpetuals as people read them", () => {
  assert.equal(pairLabel("BTC-USDT"), "BTC/USDT");
  assert.equal(pairLabel("1000PEPE-USDT-PERP"), "1000PEPE/USDT perp");
  assert.equal(pairLabel("ODD"), "ODD");
});
