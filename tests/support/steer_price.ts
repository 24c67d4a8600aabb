/**
 * Price-level alerts against the simulator, for the tests that steer its
 * price: move SOL to a level and wait until a client has seen it, create an
 * alert, and tell price-level alert frames apart.
 */
import type { RunningExchange } from "../../lib/simulator/start_exchange.ts";
import type {
  AlertFrame,
  ServerFrame,
  TickFrame,
} from "../../lib/protocol/frames.ts";
import type { TestClient } from "./ws_client.ts";

/** Whether `frame` is a pushed `price_level` alert. */
export const isPriceAlert = (frame: ServerFrame): frame is AlertFrame =>
  frame.type === "alert" && frame.kind === "price_level";

/** Whether `frame` is a live tick. */
export const isTick = (frame: ServerFrame): frame is TickFrame =>
  frame.type === "tick";

/**
 * Moves the simulated SOL price to `price` and waits until `client` has seen
 * ten ticks near it (the walk goes on from there, by cents).
 */
export async function steer(
  exchange: RunningExchange,
  client: TestClient,
  price: number,
  timeoutMs = 10_000,
): Promise<void> {
  exchange.exchange.market.setPrice("SOLUSDT", price);
  const near = (f: ServerFrame) =>
    isTick(f) && f.symbol === "SOL-USDT" && Math.abs(f.price - price) < 0.2;
  const before = client.frames.filter(near).length;
  await client.waitForCount(near, before + 10, timeoutMs);
}

/** `POST /api/price-alerts` on `base` with `body` and `headers`. */
export function postPriceAlert(
  base: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${base}/api/price-alerts`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
