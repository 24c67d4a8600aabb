/**
 * The targets `deno task bench` runs, in table order, and the wire protocol
 * the load generator speaks to each. The service runs on either socket layer
 * and `ws` both under Node and under Deno, so the table shows the runtime's
 * best path beside the service's. Pure.
 */
import type { TargetKind } from "./load_options.ts";

/**
 * `sentinel` is the service on its default socket layer (`ws`),
 * `sentinel-deno` the service with `SOCKET_LAYER=deno`; `ws` is the `ws`
 * peer under Node, `ws-deno` the same file under Deno.
 */
export const BENCH_TARGETS = [
  "sentinel",
  "sentinel-deno",
  "bare",
  "ws",
  "ws-deno",
  "socketio",
] as const;

/** One of {@linkcode BENCH_TARGETS}. */
export type BenchTarget = typeof BENCH_TARGETS[number];

/** The load generator's `--target` (its wire protocol) for `target`. */
export function generatorTarget(target: BenchTarget): TargetKind {
  switch (target) {
    case "sentinel":
    case "sentinel-deno":
      return "sentinel";
    case "ws-deno":
      return "ws";
    default:
      return target;
  }
}

/** Whether `target` is the service (on either socket layer). */
export function isService(target: BenchTarget): boolean {
  return generatorTarget(target) === "sentinel";
}
