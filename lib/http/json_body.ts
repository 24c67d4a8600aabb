/**
 * Reads a JSON request body with a size cap and a deadline and validates it
 * with zod, so a handler only ever sees a typed value and bad input gets a
 * clear 4xx: a body that is too big, too slow or cut off never costs more
 * than `maxBytes` of memory and `timeoutMs` of waiting.
 */
import type { z } from "zod";
import { type Clock, systemClock } from "../clock/clock.ts";
import { HttpError } from "../web/mod.ts";

/**
 * `application/json`, optionally followed by parameters. Media types that
 * merely start with it (`application/json-seq`) are other formats.
 */
const JSON_MEDIA_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/** Largest JSON body accepted, in bytes. */
export const MAX_JSON_BODY_BYTES = 4096;

/** Longest time a body may take to arrive, in ms (`HTTP_BODY_TIMEOUT_SECONDS`). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** Options of {@linkcode readJsonBody}. */
export interface JsonBodyOptions {
  /** Largest body accepted, bytes. Default {@linkcode MAX_JSON_BODY_BYTES}. */
  readonly maxBytes?: number;
  /**
   * Longest time from the first read to the end of the body, ms: a client
   * sending a byte at a time cannot hold the handler longer. Default
   * {@linkcode DEFAULT_BODY_TIMEOUT_MS}.
   */
  readonly timeoutMs?: number;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/**
 * Parses `req`'s body as JSON matching `schema`. 415 for a non-JSON content
 * type, 413 past `maxBytes`, 408 past `timeoutMs`, 400 for a body the client
 * cut off, malformed JSON or a schema mismatch (the detail names the field
 * and what it expects).
 */
export async function readJsonBody<T extends z.ZodType>(
  req: Request,
  schema: T,
  options: JsonBodyOptions = {},
): Promise<z.infer<T>> {
  const {
    maxBytes = MAX_JSON_BODY_BYTES,
    timeoutMs = DEFAULT_BODY_TIMEOUT_MS,
    clock = systemClock,
  } = options;
  const type = req.headers.get("content-type") ?? "";
  if (!JSON_MEDIA_TYPE.test(type)) {
    throw new HttpError(
      415,
      "unsupported_media_type",
      "Send the body as application/json",
    );
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readCapped(req, maxBytes, timeoutMs, clock);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new HttpError(400, "malformed_json", "The body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) =>
      `${issue.path.join(".") || "body"}: ${issue.message}`
    ).join("; ");
    throw new HttpError(400, "invalid_body", detail);
  }
  return parsed.data;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    "body_too_large",
    `The body must be at most ${maxBytes} bytes`,
  );
}

/**
 * Reads the whole body, cancelling the read when it passes `maxBytes` or
 * takes longer than `timeoutMs`. `Connection: close` goes with the 408, as
 * RFC 9110 asks, since the rest of the body is not worth waiting for.
 */
async function readCapped(
  req: Request,
  maxBytes: number,
  timeoutMs: number,
  clock: Clock,
): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  let timedOut = false;
  const timer = clock.setTimer(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (timedOut) break;
        throw new HttpError(
          400,
          "incomplete_body",
          "The request body ended before it was complete",
          { cause: error },
        );
      }
      if (timedOut || result.done) break;
      total += result.value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(result.value);
    }
  } finally {
    clock.clearTimer(timer);
  }
  if (timedOut) {
    throw new HttpError(
      408,
      "request_timeout",
      `The request body did not arrive within ${timeoutMs / 1000} s`,
      { headers: { connection: "close" } },
    );
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
