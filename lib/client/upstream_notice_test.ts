import assert from "node:assert/strict";
import type { StatusFrame } from "../protocol/frames.ts";
import { upstreamOfflineText } from "./upstream_notice.ts";

const offline = (fields: Partial<StatusFrame>): StatusFrame => ({
  type: "status",
  upstream: "offline",
  simulated: false,
  last_success: null,
  ...fields,
});

Deno.test("upstreamOfflineText - without any data it says none has arrived", () => {
  const text = upstreamOfflineText(
    offline({ detail: "HTTP 503 from the exchange" }),
    1_000,
    0,
  );
  assert.match(
    text,
    /no market data received yet \(HTTP 503 from the exchange\)/,
  );
  assert.doesNotMatch(text, /last good data/);
});

Deno.test("upstreamOfflineText - with data it says how old the last good data is, on the server's clock", () => {
  const text = upstreamOfflineText(
    offline({ last_success: 100_000 }),
    100_000 + 95_000 - 2_000,
    2_000,
  );
  assert.equal(
    text,
    "Upstream offline: showing the last good data, 1 m 35 s old.",
  );
});

Deno.test("upstreamOfflineText - a client clock behind the server never shows a negative age", () => {
  const text = upstreamOfflineText(offline({ last_success: 5_000 }), 4_000, 0);
  assert.match(text, /0 ms old/);
});
