/**
 * Which sockets the load generator opens and where: the symbol plan, the URL
 * per target kind, and failure reasons short enough to group by. Pure.
 */
import type { TargetKind } from "./load_options.ts";
import { SOCKETIO_PATH } from "./socketio_wire.ts";

/** The `ws://` URL a socket of `kind` opens for `symbols`. */
export function socketUrl(
  kind: TargetKind,
  baseUrl: string,
  symbols: readonly string[],
): string {
  const root = new URL(baseUrl).origin.replace(/^http/, "ws");
  if (kind === "socketio") {
    return `${root}${SOCKETIO_PATH}&symbol=${encodeURIComponent(symbols[0])}`;
  }
  // The peers replay no history on join, so neither does the service here:
  // the figures compare live fan-out with the same payload.
  const liveOnly = kind === "sentinel" ? "history=0" : "";
  if (symbols.length > 1) {
    return `${root}/ws/stream?symbols=${
      symbols.map(encodeURIComponent).join(",")
    }${liveOnly && `&${liveOnly}`}`;
  }
  return `${root}/ws/price/${encodeURIComponent(symbols[0])}${
    liveOnly && `?${liveOnly}`
  }`;
}

/**
 * Which symbol indexes socket `i` subscribes to: a `muxRatio` share of the
 * sockets, spread evenly, take every symbol on the multiplexed route; the
 * others take one symbol each, round-robin.
 */
export function planSockets(
  connections: number,
  symbolCount: number,
  muxRatio: number,
): number[][] {
  const all = Array.from({ length: symbolCount }, (_, i) => i);
  const plan: number[][] = [];
  let single = 0;
  for (let i = 0; i < connections; i++) {
    const mux = Math.floor((i + 1) * muxRatio) > Math.floor(i * muxRatio);
    plan.push(mux && symbolCount > 1 ? all : [single++ % symbolCount]);
  }
  return plan;
}

/** A failure reason short enough to group by: no addresses, bounded length. */
export function normalizeReason(message: string): string {
  return message
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, "<addr>")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200) || "unknown error";
}
