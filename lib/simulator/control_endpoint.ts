/**
 * The simulator's control routes: `PUT /__sim/fault` sets the standing REST
 * fault, `DELETE /__sim/fault` clears it; `PUT`/`DELETE /__sim/ws-fault` do
 * the same for a WebSocket stream's fault (`market`: spot by default);
 * `POST /__sim/listing` lists a symbol at runtime and `DELETE
 * /__sim/listing` delists one; `GET /__sim/state` reports it all with the
 * request counts. Bodies are validated with zod; unknown keys are rejected so
 * a typo (`"cout": 3`) cannot silently mean "until cleared".
 */
import { z } from "zod";
import { HttpError, jsonResponse } from "../web/mod.ts";
import { readJsonBody } from "../http/json_body.ts";
import type { ActiveFault } from "./fault_control.ts";
import { type Fault, faultSchema } from "./faults.ts";
import type { FaultOptions } from "./fault_control.ts";
import type { ActiveWsFault, WsFaultOptions } from "./ws_fault_control.ts";
import { type WsFault, wsFaultSchema } from "./ws_faults.ts";

/** Path of the fault control route. */
export const FAULT_PATH = "/__sim/fault";
/** Path of the WebSocket fault control route. */
export const WS_FAULT_PATH = "/__sim/ws-fault";
/** Path of the state route. */
export const STATE_PATH = "/__sim/state";
/** Path of the listing route. */
export const LISTING_PATH = "/__sim/listing";

/** Body of `PUT /__sim/fault`. */
export const faultControlBodySchema = z.strictObject({
  /** Fault name, e.g. `http503`, `latency:2000`, `unlisted:SOLUSDT`. */
  fault: faultSchema,
  /** Next N tickers requests; omitted = until cleared. */
  count: z.number().int().min(1).max(1_000_000).optional(),
  /** Probability that a request is hit. Default 1. */
  rate: z.number().min(0).max(1).optional(),
});

/** Body of `PUT /__sim/ws-fault`. */
export const wsFaultControlBodySchema = z.strictObject({
  /** Fault name, e.g. `silence`, `mute`, `ack-delay:500`. */
  fault: wsFaultSchema,
  /** Connections, requests or push cycles to hit; omitted = until cleared. */
  count: z.number().int().min(1).max(1_000_000).optional(),
  /** Which stream: `spot` (default) or `linear`. */
  market: z.enum(["spot", "linear"]).optional(),
});

/** Body of `POST` and `DELETE /__sim/listing`. */
export const listingBodySchema = z.strictObject({
  category: z.enum(["spot", "linear"]),
  /** Exchange symbol, quoted in USDT, e.g. `NEWCOINUSDT`. */
  symbol: z.string().regex(/^[A-Z0-9]{1,28}USDT$/, {
    error: "expected an upper-case symbol ending in USDT, e.g. NEWCOINUSDT",
  }),
});

/** What the control routes need from the simulator. */
export interface ControlTarget {
  setFault(fault: Fault, options?: FaultOptions): ActiveFault;
  clearFault(): void;
  setWsFault(
    fault: WsFault,
    options?: WsFaultOptions & { readonly market?: "spot" | "linear" },
  ): ActiveWsFault;
  clearWsFault(): void;
  list(category: "spot" | "linear", symbol: string): boolean;
  delist(category: "spot" | "linear", symbol: string): boolean;
  state(): unknown;
}

/** Answers a request for one of the control paths. */
export async function controlResponse(
  target: ControlTarget,
  request: Request,
  path: string,
): Promise<Response> {
  if (path === STATE_PATH) {
    if (request.method !== "GET") throw notAllowed(request.method, "GET");
    return jsonResponse(target.state());
  }
  if (path === WS_FAULT_PATH) {
    if (request.method === "PUT") {
      const body = await readJsonBody(request, wsFaultControlBodySchema);
      const active = target.setWsFault(body.fault, {
        count: body.count,
        market: body.market,
      });
      return jsonResponse({ activeFault: active });
    }
    if (request.method === "DELETE") {
      target.clearWsFault();
      return jsonResponse({ activeFault: null });
    }
    throw notAllowed(request.method, "PUT, DELETE");
  }
  if (path === LISTING_PATH) {
    if (request.method !== "POST" && request.method !== "DELETE") {
      throw notAllowed(request.method, "POST, DELETE");
    }
    const body = await readJsonBody(request, listingBodySchema);
    const changed = request.method === "POST"
      ? target.list(body.category, body.symbol)
      : target.delist(body.category, body.symbol);
    return jsonResponse({
      category: body.category,
      symbol: body.symbol,
      listed: request.method === "POST",
      changed,
    });
  }
  if (request.method === "PUT") {
    const body = await readJsonBody(request, faultControlBodySchema);
    const active = target.setFault(body.fault, {
      count: body.count,
      rate: body.rate,
    });
    return jsonResponse({ activeFault: active });
  }
  if (request.method === "DELETE") {
    target.clearFault();
    return jsonResponse({ activeFault: null });
  }
  throw notAllowed(request.method, "PUT, DELETE");
}

function notAllowed(method: string, allow: string): HttpError {
  return new HttpError(
    405,
    "method_not_allowed",
    `Method ${method} is not allowed here; use ${allow}`,
    { headers: { allow } },
  );
}
