/**
 * The reverse proxies whose forwarding headers (`X-Forwarded-For`, `-Proto`,
 * `-Host`) are believed: addresses and CIDR ranges, IPv4 and IPv6. Anyone
 * can send those headers; only the proxy we run in front of the service
 * writes them truthfully, and we recognise it by the connection's address.
 */
import {
  inIpRange,
  type IpRange,
  parseIpAddress,
  parseIpRange,
} from "../protocol/ip_address.ts";

/** A set of trusted proxy ranges. */
export class TrustedProxies {
  readonly #ranges: readonly IpRange[];

  /**
   * Builds the set from `entries` (as `TRUSTED_PROXIES` lists them); throws a
   * `RangeError` naming the first entry that is not an address or range.
   */
  constructor(entries: readonly string[]) {
    this.#ranges = entries.map((entry) => {
      const range = parseIpRange(entry);
      if (!range) {
        throw new RangeError(
          `Not an IP address or CIDR range: ${JSON.stringify(entry)}`,
        );
      }
      return range;
    });
  }

  /** Whether `ip` (a literal address) lies in a trusted range. */
  contains(ip: string): boolean {
    if (this.#ranges.length === 0) return false;
    const address = parseIpAddress(ip);
    return address !== undefined &&
      this.#ranges.some((range) => inIpRange(address, range));
  }
}
