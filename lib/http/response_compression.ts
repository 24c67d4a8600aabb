/**
 * Gzip for the API's answers. The web runtime compresses the pages it
 * renders and the files it serves; what a route hands back (JSON, the
 * Prometheus text, the alert exports) passed uncompressed, so a chart's
 * candles or a whole market's symbols crossed a trader's link at full size.
 *
 * An answer built in memory is read whole and sent gzipped only from
 * {@linkcode MIN_GZIP_BYTES} (below, gzip saves too little to pay its
 * header and the CPU); a download (`content-disposition`), which streams
 * from the store as it is read, is compressed as it streams. Answers that
 * are already encoded, carry no body or are not text are passed through
 * untouched — a 101 WebSocket upgrade above all — and so is what the web
 * runtime already chose an encoding for (pages, static and build files vary
 * by `Accept-Encoding` already: compressing them again, or under the same
 * ETag, would be wrong).
 */
import { gzip, gzipBody, isCompressible } from "../web/mod.ts";

/** Below this many bytes an answer is sent as it is. */
export const MIN_GZIP_BYTES = 1_024;

/**
 * `response`, gzipped when `acceptsGzip` (read from the request before the
 * handler ran: an upgrade consumes the request) and it is worth it. Every
 * compressible answer varies by `Accept-Encoding`, compressed or not.
 */
export async function compressResponse(
  response: Response,
  acceptsGzip: boolean,
): Promise<Response> {
  const contentType = response.headers.get("content-type");
  if (
    response.body === null || contentType === null ||
    !isCompressible(contentType) ||
    response.headers.has("content-encoding") || variesByEncoding(response)
  ) return response;
  const headers = new Headers(response.headers);
  headers.append("vary", "accept-encoding");
  const init = { status: response.status, statusText: response.statusText };
  if (!acceptsGzip) return new Response(response.body, { ...init, headers });
  if (headers.has("content-disposition")) {
    headers.set("content-encoding", "gzip");
    return new Response(gzipBody(response.body), { ...init, headers });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length < MIN_GZIP_BYTES) {
    return new Response(bytes, { ...init, headers });
  }
  headers.set("content-encoding", "gzip");
  return new Response(await gzip(bytes), { ...init, headers });
}

function variesByEncoding(response: Response): boolean {
  return /(^|,)\s*accept-encoding\s*(,|$)/i.test(
    response.headers.get("vary") ?? "",
  );
}
