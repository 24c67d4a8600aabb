/**
 * The shared body of both stream routes: origin first (so a foreign page
 * learns nothing more), then the route's own parsing, then the upgrade.
 */
import type { StreamRequest } from "../http/stream_request.ts";
import type { SymbolTable } from "../http/symbol_policy.ts";
import type { AppState } from "./app_state.ts";

/** Validates and upgrades a stream request; throws HttpErrors on refusal. */
export function acceptStream(
  req: Request,
  state: AppState,
  parse: (table: SymbolTable) => StreamRequest,
): Response {
  const { streams, symbolTable } = state.services;
  streams.checkOrigin(req, state.forwarded);
  let stream: StreamRequest;
  try {
    stream = parse(symbolTable);
  } catch (error) {
    streams.countRejection();
    throw error;
  }
  return streams.accept(req, state.clientIp, stream);
}
