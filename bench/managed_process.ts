/**
 * A child process the benchmark starts and must always stop: its output is
 * drained continuously (a full pipe would stall the server being measured)
 * into a bounded tail for error reports, and {@linkcode ManagedProcess.stop}
 * escalates from SIGTERM to SIGKILL after a grace period.
 */

/**
 * The `bash -c` script that raises the soft open-files limit to the hard one
 * and then `exec`s its arguments, so the pid stays the real program's.
 */
export const RAISE_FILE_LIMIT_SCRIPT =
  'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

/** Options of {@linkcode ManagedProcess.start}. */
export interface ManagedProcessOptions {
  /** Label used in logs and errors. */
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  /** Default the current directory. */
  readonly cwd?: string;
  /** Added to the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Raise the soft open-files limit to the hard one first (through `bash`
   * and `exec`, so the pid stays the real process's): thousands of sockets
   * need more than the usual 1,024. Default true.
   */
  readonly raiseFileLimit?: boolean;
  /** Called with each complete stdout line. Default: lines only go to the tail. */
  readonly onStdoutLine?: (line: string) => void;
  /** Called with each complete stderr line. */
  readonly onStderrLine?: (line: string) => void;
  /** Bytes of output kept for {@linkcode ManagedProcess.tail}. Default 16 KiB. */
  readonly tailBytes?: number;
}

/** A running child process; see the module doc. */
export class ManagedProcess {
  readonly name: string;
  readonly #child: Deno.ChildProcess;
  readonly #tailBytes: number;
  readonly #drained: Promise<void>;
  #tail = "";

  private constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.#tailBytes = options.tailBytes ?? 16_384;
    const args = options.args ?? [];
    const raise = options.raiseFileLimit ?? true;
    const command = new Deno.Command(raise ? "bash" : options.command, {
      args: raise
        ? [
          "-c",
          RAISE_FILE_LIMIT_SCRIPT,
          "bash",
          options.command,
          ...args,
        ]
        : [...args],
      cwd: options.cwd,
      env: options.env ? { ...options.env } : undefined,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    this.#child = command.spawn();
    this.#drained = Promise.all([
      this.#drain(this.#child.stdout, options.onStdoutLine),
      this.#drain(this.#child.stderr, options.onStderrLine),
    ]).then(() => {});
  }

  /** Spawns the process. Throws if the command cannot be started. */
  static start(options: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  /** The child's process id (the real program's, not a wrapper's). */
  get pid(): number {
    return this.#child.pid;
  }

  /** Resolves with the exit status once the process has ended. */
  get status(): Promise<Deno.CommandStatus> {
    return this.#child.status;
  }

  /** The last bytes of combined output, for error messages. */
  tail(): string {
    return this.#tail;
  }

  /**
   * Waits for the process to exit by itself for at most `timeoutMs`.
   * Resolves with its status, or null if it is still running.
   */
  async waitExit(timeoutMs: number): Promise<Deno.CommandStatus | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return await Promise.race([this.#child.status, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL if it is still running after
   * `graceMs` (default 5,000). Safe to call more than once or after exit.
   */
  async stop(graceMs = 5_000): Promise<Deno.CommandStatus> {
    this.#signal("SIGTERM");
    const status = await this.waitExit(graceMs);
    if (status === null) this.#signal("SIGKILL");
    const final = await this.#child.status;
    await this.#drained;
    return final;
  }

  /** Sends `signal` now (SIGKILL for a failover measurement). */
  kill(signal: Deno.Signal): void {
    this.#signal(signal);
  }

  #signal(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // Already exited: nothing to stop.
    }
  }

  async #drain(
    stream: ReadableStream<Uint8Array>,
    onLine?: (line: string) => void,
  ): Promise<void> {
    let pending = "";
    const decoder = new TextDecoder();
    try {
      for await (const bytes of stream) {
        const chunk = decoder.decode(bytes, { stream: true });
        this.#tail = (this.#tail + chunk).slice(-this.#tailBytes);
        if (!onLine) continue;
        pending += chunk;
        let newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          onLine(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
        }
      }
    } catch {
      // The pipe closed abruptly (killed child): what was read is kept.
    }
    if (onLine && pending) onLine(pending);
  }
}
