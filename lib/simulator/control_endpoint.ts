/**
 * The simulator's control routes: `PUT /__sim/fault` sets the standing REST
 * fault, `DELETE /__sim/fault` clears it; `PUT`/`DELETE /__sim/ws-fault` do
 * the same for the WebSocket fault; `GET /__sim/state` reports both with the
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
  /** Fault name, e.g. `silence`, `ack-delay:500`. */
  fault: wsFaultSchema,
  /** Connections, requests or push cycles to hit; omitted = until cleared. */
  count: z.number().int().min(1).max(1_000_000).optional(),
});

/** What the control routes need from the simulator. */
export interface ControlTarget {
  setFault(fault: Fault, options?: FaultOptions): ActiveFault;
  clearFault(): void;
  setWsFault(fault: WsFault, options?: WsFaultOptions): ActiveWsFault;
  clearWsFault(): void;
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
      const active = target.setWsFault(body.fault, { count: body.count });
      return jsonResponse({ activeFault: active });
    }
    if (request.method === "DELETE") {
      target.clearWsFault();
      return jsonResponse({ activeFault: null });
    }
    throw notAllowed(request.method, "PUT, DELETE");
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
