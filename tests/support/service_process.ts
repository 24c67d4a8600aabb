/**
 * Runs the service as users do — `deno run --allow-all main.ts` in a child
 * process — for tests that must kill it for real (SIGKILL leaves no chance to
 * flush or save anything). The child's output is drained continuously (a
 * full pipe would stall it) and kept for failure messages; its URL is read
 * from the "Listening" log line, since it binds port 0.
 */
import assert from "node:assert/strict";

/**
 * The environment of a service process on a KV file in `dir`, both upstream
 * URLs on `exchange`, port 0 on loopback; `extra` adds or overrides.
 */
export function processEnv(
  exchange: { readonly tickersUrl: string; readonly wsUrl: string },
  dir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    BYBIT_API_URL: exchange.tickersUrl,
    BYBIT_WS_URL: exchange.wsUrl,
    CONNECTION_TIMEOUT_SECONDS: "2",
    KV_PATH: `${dir}/sentinel.kv`,
    PORT: "0",
    HOSTNAME: "127.0.0.1",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * Runs `body` with a service process started on `env`, which the body kills,
 * and `restart` to start a second one on the same `env`. A failure carries
 * the last 40 lines of both processes' output; afterwards the first is
 * killed and the second stopped gracefully (its exit status 0 asserted).
 */
export async function withKillAndRestart(
  env: Record<string, string>,
  body: (
    first: ServiceProcess,
    restart: () => Promise<ServiceProcess>,
  ) => Promise<void>,
): Promise<void> {
  const first = await spawnService(env);
  let second: ServiceProcess | undefined;
  try {
    await body(first, async () => second = await spawnService(env));
  } catch (error) {
    const logs = [...first.output, ...(second?.output ?? [])].slice(-40);
    throw new Error(`${error}\n--- service output ---\n${logs.join("\n")}`, {
      cause: error,
    });
  } finally {
    await first.stop("SIGKILL");
    if (second) {
      const status = await second.stop("SIGTERM");
      assert.equal(status.code, 0, "graceful stop of the second run");
    }
  }
}

/** A running service process. */
export interface ServiceProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** This process's own URL when it also listens on `INSTANCE_PORT`. */
  readonly instanceUrl?: string;
  /** The child's process id. */
  readonly pid: number;
  /** stdout and stderr lines so far. */
  readonly output: readonly string[];
  /** Sends `signal` and resolves with the exit status once the child is gone. */
  stop(signal: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Sends `signal` without waiting (SIGSTOP / SIGCONT). */
  signal(signal: Deno.Signal): void;
}

/** Starts `main.ts` with `env` on top of this process's environment. */
export async function spawnService(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServiceProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts"],
    cwd: new URL("../../", import.meta.url),
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  let announce: (urls: ListeningUrls) => void;
  const listening = new Promise<ListeningUrls>((resolve) => announce = resolve);
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      const lines = (rest + text).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        const urls = listeningUrls(line);
        if (urls) announce(urls);
      }
    }
    if (rest) output.push(rest);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const urls = await Promise.race([
    listening,
    child.status.then((status) => {
      throw new Error(
        `Service exited with ${status.code} before listening:\n${
          output.join("\n")
        }`,
      );
    }),
    new Promise<never>((_, reject) =>
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `Service not listening after ${timeoutMs} ms:\n${
                output.join("\n")
              }`,
            ),
          ),
        timeoutMs,
      )
    ),
  ]).catch(async (error) => {
    child.kill("SIGKILL");
    await child.status;
    await drained;
    throw error;
  }).finally(() => clearTimeout(timer));

  let stopped: Promise<Deno.CommandStatus> | undefined;
  return {
    url: urls.url,
    instanceUrl: urls.instanceUrl,
    pid: child.pid,
    output,
    signal: (signal) => child.kill(signal),
    stop: (signal) =>
      stopped ??= (async () => {
        try {
          child.kill(signal);
        } catch {
          // Already exited: the status below says how.
        }
        const status = await child.status;
        await drained;
        return status;
      })(),
  };
}

interface ListeningUrls {
  readonly url: string;
  readonly instanceUrl?: string;
}

function listeningUrls(line: string): ListeningUrls | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const record = JSON.parse(line);
    if (record.msg !== "Listening" || typeof record.url !== "string") {
      return undefined;
    }
    return {
      url: record.url,
      instanceUrl: typeof record.instance_url === "string"
        ? record.instance_url
        : undefined,
    };
  } catch {
    return undefined;
  }
}
