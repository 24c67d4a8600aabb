/**
 * Per-IP cap on open sockets. A slot is taken before the upgrade (so a refused
 * client gets a 429 instead of an accept-then-close) and given back when the
 * socket closes. The table holds only IPs with open sockets, so it is bounded
 * by the number of sockets.
 */
export class ConnectionLimiter {
  #open = new Map<string, number>();
  #max: number;

  /** `maxPerIp`: open sockets allowed per client IP. */
  constructor(maxPerIp: number) {
    if (!Number.isInteger(maxPerIp) || maxPerIp < 1) {
      throw new RangeError(
        `Cannot create a connection limiter: maxPerIp must be a positive integer, got ${maxPerIp}`,
      );
    }
    this.#max = maxPerIp;
  }

  /** Takes a slot for `ip`; false when the IP is at its cap. */
  tryAcquire(ip: string): boolean {
    const open = this.#open.get(ip) ?? 0;
    if (open >= this.#max) return false;
    this.#open.set(ip, open + 1);
    return true;
  }

  /** Gives back a slot taken by {@linkcode tryAcquire}. */
  release(ip: string): void {
    const open = this.#open.get(ip) ?? 0;
    if (open <= 1) this.#open.delete(ip);
    else this.#open.set(ip, open - 1);
  }

  /** Open sockets of `ip`. */
  openFor(ip: string): number {
    return this.#open.get(ip) ?? 0;
  }
}
