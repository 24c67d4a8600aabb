/**
 * Runs a fetch-style handler (`Request` in, `Response` out — what the web app
 * is) on `node:http`: the request's head, body stream and client address go
 * in; the response's status, headers and streamed body go out, with
 * backpressure; a client that goes away aborts `request.signal` and cancels
 * the body, as under `Deno.serve`.
 */
import {
  type IncomingMessage,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { Duplex } from "node:stream";
import { Buffer } from "node:buffer";

/** The handler the bridge runs: the same signature `Deno.serve` calls. */
export type FetchHandler = (
  request: Request,
  info: Deno.ServeHandlerInfo,
) => Response | Promise<Response>;

/** `Headers` from a node request's raw header list (repeats kept). */
function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i], raw[i + 1]);
    } catch {
      // A header value Headers rejects: drop it, as the runtime's parser would.
    }
  }
  return headers;
}

/** The body of `req` as a web stream, read as the handler pulls. */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.on("end", () => controller.close());
      req.on("error", (error) => controller.error(error));
      req.on("aborted", () => controller.error(new Error("Client aborted")));
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler stopped reading (a 408, a 413): discard the rest, and
      // keep the connection so the answer can still go out.
      req.removeAllListeners("data");
      req.resume();
    },
  }, { highWaterMark: 4 });
}

/** The `Request` and handler info for a node request; `signal` aborts it. */
export function toFetchRequest(
  req: IncomingMessage,
  signal: AbortSignal,
): { request: Request; info: Deno.ServeHandlerInfo } {
  const host = req.headers.host ?? "localhost";
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(`http://${host}${req.url ?? "/"}`, {
    method,
    headers: headersOf(req),
    body: hasBody ? bodyOf(req) : null,
    signal,
    // @ts-ignore: `duplex` is required for a streamed body, and not yet typed.
    duplex: "half",
  });
  const socket = req.socket;
  const info = {
    remoteAddr: {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "",
      port: socket.remotePort ?? 0,
    },
    completed: Promise.resolve(),
  } as Deno.ServeHandlerInfo;
  return { request, info };
}

/** Header pairs of `response`, `set-cookie` kept apart as it must be. */
function headerList(response: Response): string[] {
  const list: string[] = [];
  for (const [name, value] of response.headers) list.push(name, value);
  return list;
}

/**
 * Writes `response` to `res`, streaming the body with backpressure; stops
 * and cancels the body if the client goes away first.
 */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
): Promise<void> {
  const status = response.status;
  const reason = response.statusText || STATUS_CODES[status] || "";
  const headers = headerList(response);
  const body = response.body;
  if (body === null) {
    res.writeHead(status, reason, headers);
    res.end();
    return;
  }
  const reader = body.getReader();
  const gone = () => reader.cancel().catch(() => {});
  res.once("close", gone);
  try {
    // A body of one chunk (JSON, a page) goes out with its length, as
    // `Deno.serve` sends it; longer streams go out chunked as they come.
    const first = await reader.read();
    const second = first.done ? first : await reader.read();
    if (second.done) {
      if (!response.headers.has("content-length")) {
        headers.push("content-length", String(first.value?.length ?? 0));
      }
      res.writeHead(status, reason, headers);
      res.end(first.value);
      return;
    }
    res.writeHead(status, reason, headers);
    let next: ReadableStreamReadResult<Uint8Array> = first;
    for (const chunk of [first.value, second.value]) {
      if (!await write(res, chunk!)) return;
    }
    while (!(next = await reader.read()).done) {
      if (!await write(res, next.value)) return;
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", gone);
  }
}

/** Writes `chunk`, waiting for `drain` when full; false once `res` is gone. */
async function write(res: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const go = () => {
        res.off("drain", go);
        res.off("close", go);
        resolve();
      };
      res.on("drain", go);
      res.on("close", go);
    });
  }
  return !res.destroyed;
}

/**
 * Writes `response` on a raw socket that asked for an upgrade and was
 * refused: the HTTP answer the client would get from `Deno.serve`, then close.
 */
export async function writeRawResponse(
  socket: Duplex,
  response: Response,
): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const reason = response.statusText || STATUS_CODES[response.status] || "";
  let head = `HTTP/1.1 ${response.status} ${reason}\r\n`;
  for (const [name, value] of response.headers) {
    if (name === "content-length" || name === "connection") continue;
    head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]));
}
