/**
 * What an instance answers while its stream engine is still connecting
 * (Redis unreachable at start): it listens, so operators and load balancers
 * see why, but it serves nothing that needs the stream. `/api/health` and
 * `/api/diagnostics` answer 503 with the engine's state (attempts, last
 * error without credentials, next attempt), so a load balancer keeps the
 * instance out of rotation; every other path, stream sockets included, gets
 * 503 `starting` with `Retry-After` before any upgrade.
 */
import type { Clock } from "../clock/clock.ts";
import { jsonResponse } from "../web/mod.ts";
import type { EngineWaiting } from "./engine_connect.ts";

/** Options of {@linkcode startupGate}. */
export interface StartupGateOptions {
  /** The newest failed attempt, or undefined before the first one failed. */
  readonly waiting: () => EngineWaiting | undefined;
  /** `STREAM_ENGINE`. */
  readonly kind: string;
  /** This instance's id. */
  readonly instance: string;
  readonly clock: Clock;
}

/** The handler served until the service is ready. */
export function startupGate(
  options: StartupGateOptions,
): (request: Request) => Response {
  return function startingUp(request: Request): Response {
    const { pathname } = new URL(request.url);
    const waiting = options.waiting();
    const now = options.clock.now();
    const detail = waiting
      ? `Waiting for the stream engine (${options.kind}): attempt ${waiting.attempts} failed (${waiting.lastError})`
      : `Connecting to the stream engine (${options.kind})`;
    const retryAfter = String(
      Math.max(1, Math.ceil(((waiting?.nextAttemptAt ?? now) - now) / 1000)),
    );
    const headers = { "retry-after": retryAfter, "cache-control": "no-store" };
    if (pathname === "/api/health" || pathname === "/api/diagnostics") {
      return jsonResponse(
        {
          status: "starting",
          detail,
          engine: {
            kind: options.kind,
            role: "follower",
            instance: options.instance,
            connected: false,
            attempts: waiting?.attempts ?? 0,
            last_error: waiting?.lastError ?? null,
            next_attempt_in_ms: waiting
              ? Math.max(0, Math.round(waiting.nextAttemptAt - now))
              : null,
          },
          server_time: now,
        },
        503,
        headers,
      );
    }
    return jsonResponse({ error: "starting", detail }, 503, headers);
  };
}
