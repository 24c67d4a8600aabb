/**
 * A real `redis-server` (Debian's package) for tests, benchmarks and the
 * cluster demo (never for the service itself): started on a free port
 * chosen here (Redis has no port 0), without persistence, in a temporary
 * directory; ready once PING answers; stopped by PID. `restart()` brings it
 * back on the same port — with its data gone, as a Redis without AOF loses
 * it — for the "Redis restarted" tests.
 */
import { Redis } from "ioredis";

/** Where Debian installs the server. */
export const REDIS_SERVER_PATH = "/usr/bin/redis-server";

/** Whether `redis-server` is installed (tests skip themselves otherwise). */
export function redisServerAvailable(): boolean {
  return exists(REDIS_SERVER_PATH);
}

/** A running `redis-server`. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Process id of the current server process. */
  readonly pid: number;
  /** Stops it (SIGKILL unless told otherwise) and waits for it to exit. */
  stop(signal?: Deno.Signal): Promise<void>;
  /** Starts it again on the same port (empty), waiting for readiness. */
  restart(): Promise<void>;
  /** Runs one command on a short-lived connection (FLUSHALL, CLIENT KILL...). */
  command(...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@linkcode startRedisServer}. */
export interface RedisServerOptions {
  /** How long to wait for PING, ms. Default 10 000. */
  readonly readyTimeoutMs?: number;
  /** Extra `redis-server` arguments (e.g. `["--requirepass", "x"]`). */
  readonly args?: readonly string[];
  /**
   * Runs the server in a session of its own (`setsid`), so a Ctrl-C meant
   * for a demo's instances does not stop Redis before they have shut down.
   */
  readonly ownSession?: boolean;
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts `redis-server` on a free loopback port. */
export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "sentinel-redis-" });
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const launchOptions = {
    port,
    dir,
    extra: options.args ?? [],
    readyTimeoutMs,
    ownSession: options.ownSession ?? false,
  };
  let child = await launch(launchOptions);
  const url = `redis://127.0.0.1:${port}`;
  const stopChild = async (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
    await child.status;
  };
  return {
    port,
    url,
    get pid() {
      return child.pid;
    },
    stop: async (signal = "SIGKILL") => {
      await stopChild(signal);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
    restart: async () => {
      await stopChild("SIGKILL");
      child = await launch(launchOptions);
    },
    command: async (...args) => {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
      });
      try {
        await client.connect();
        return await client.call(String(args[0]), ...args.slice(1));
      } finally {
        client.disconnect();
      }
    },
  };
}

interface LaunchOptions {
  readonly port: number;
  readonly dir: string;
  readonly extra: readonly string[];
  readonly readyTimeoutMs: number;
  readonly ownSession: boolean;
}

async function launch(options: LaunchOptions): Promise<Deno.ChildProcess> {
  const { port, dir, extra, readyTimeoutMs } = options;
  // setsid execs the server in place (same PID), in a new session.
  const setsid = options.ownSession && exists("/usr/bin/setsid");
  const child = new Deno.Command(
    setsid ? "/usr/bin/setsid" : REDIS_SERVER_PATH,
    {
      args: [
        ...(setsid ? [REDIS_SERVER_PATH] : []),
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        ...extra,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    },
  ).spawn();
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (await answersPing(port)) return child;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(
        `redis-server on port ${port} did not answer PING within ${readyTimeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** One PING over a raw socket (no client reconnect logic in the way). */
async function answersPing(port: number): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(64);
    const read = await conn.read(buffer);
    // "-LOADING" or "-NOAUTH" also mean the server is up enough to talk.
    return read !== null && read > 0;
  } catch {
    return false;
  } finally {
    conn?.close();
  }
}

/** Tests of one file that share one `redis-server` (see {@linkcode redisTests}). */
export interface RedisTests {
  /** Registers `Deno.test("<subject> - <name>")`, skipped without Redis. */
  test(name: string, fn: (server: RedisServer) => Promise<void>): void;
  /** The file's server, started on first use. */
  server(): Promise<RedisServer>;
  /** Registers the last test of the file: it stops the server. */
  done(): void;
}

/**
 * One `redis-server` for a test file's cases (each case uses its own key
 * prefix), started on first use and stopped by the file's last test; every
 * case is skipped where `redis-server` is not installed.
 */
export function redisTests(subject: string): RedisTests {
  const ignore = !redisServerAvailable();
  let server: Promise<RedisServer> | undefined;
  const shared = () => server ??= startRedisServer();
  const register = (name: string, fn: () => Promise<void>) =>
    Deno.test({
      name: `${subject} - ${name}`,
      ignore,
      sanitizeOps: false,
      sanitizeResources: false,
      fn,
    });
  return {
    test: (name, fn) => register(name, async () => await fn(await shared())),
    server: shared,
    done: () =>
      register("(stop the test server)", async () => {
        const running = server;
        server = undefined;
        await (await running)?.stop();
      }),
  };
}
