/**
 * Reads a JSON request body with a size cap and validates it with zod, so a
 * handler only ever sees a typed value and bad input gets a clear 4xx.
 */
import type { z } from "zod";
import { HttpError } from "../web/mod.ts";

/**
 * `application/json`, optionally followed by parameters. Media types that
 * merely start with it (`application/json-seq`) are other formats.
 */
const JSON_MEDIA_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/** Largest JSON body accepted, in bytes. */
export const MAX_JSON_BODY_BYTES = 4096;

/**
 * Parses `req`'s body as JSON matching `schema`. 415 for a non-JSON content
 * type, 413 past `maxBytes`, 400 for malformed JSON or a schema mismatch (the
 * detail names the field and what it expects).
 */
export async function readJsonBody<T extends z.ZodType>(
  req: Request,
  schema: T,
  maxBytes = MAX_JSON_BODY_BYTES,
): Promise<z.infer<T>> {
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
  const bytes = await readCapped(req, maxBytes);
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

async function readCapped(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
