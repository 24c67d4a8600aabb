/**
 * Gzip for what the runtime serves itself (pages, static files, bundles),
 * and for the app's middleware to compress what its routes answer:
 * `Deno.serve` does not compress bodies, and the dashboard's JavaScript
 * budget is counted in gzip bytes. Bundles are compressed once at build
 * time, static files once at startup, pages as they stream out.
 */

/** Content types worth compressing. */
export function isCompressible(contentType: string): boolean {
  return /^(text\/|application\/(json|javascript|manifest\+json)|image\/svg\+xml)/
    .test(contentType);
}

/** Whether the request accepts gzip (`Accept-Encoding`, honouring `q=0`). */
export function acceptsGzip(req: Request): boolean {
  const header = req.headers.get("accept-encoding");
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Gzips `bytes`. */
export async function gzip(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A gzip stream of `text`, for a response body. */
export function gzipStream(text: string): ReadableStream<Uint8Array> {
  return gzipBody(new Blob([text]).stream());
}

/** `body` gzipped as it streams, for a response body. */
export function gzipBody(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): ReadableStream<Uint8Array> {
  return body.pipeThrough(new CompressionStream("gzip"));
}
