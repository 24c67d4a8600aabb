/**
 * IP address and range literals as they cross the network boundary — in
 * `X-Forwarded-For`, in the socket's peer address, in `TRUSTED_PROXIES` —
 * parsed to 16 bytes, so IPv4 and IPv6 compare and mask the same way: an IPv4
 * address (and an IPv4-mapped IPv6 one, as a dual-stack listener reports IPv4
 * peers) becomes `::ffff:a.b.c.d`. Only literal addresses are accepted, never
 * host names or the odd IPv4 forms (`127.1`, `0x7f.0.0.1`, `01.2.3.4`) a URL
 * parser would take. Pure and dependency-free.
 */

/** A parsed address. */
export interface IpAddress {
  /** 16 bytes, IPv4 as `::ffff:a.b.c.d`. */
  readonly bytes: Uint8Array;
  /** True for IPv4 and IPv4-mapped IPv6 addresses. */
  readonly v4: boolean;
}

/** An address range: the first `prefix` of the 128 bits of `bytes`. */
export interface IpRange {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const V4_PART = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);
const HEX_WORD = /^[0-9A-Fa-f]{1,4}$/;
const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** The 16-bit words of one side of `::`, an IPv4 tail allowed when `last`. */
function words(part: string, last: boolean): number[] | undefined {
  if (part === "") return [];
  const pieces = part.split(":");
  const out: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (last && i === pieces.length - 1 && V4.test(piece)) {
      const [a, b, c, d] = piece.split(".").map(Number);
      out.push((a << 8) | b, (c << 8) | d);
    } else if (HEX_WORD.test(piece)) {
      out.push(parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** The eight words of an IPv6 literal (`::` and an IPv4 tail allowed). */
function v6Words(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length === 1) {
    const all = words(text, true);
    return all?.length === 8 ? all : undefined;
  }
  if (halves.length > 2) return undefined;
  const left = words(halves[0], false);
  const right = words(halves[1], true);
  if (!left || !right || left.length + right.length > 7) return undefined;
  return [
    ...left,
    ...new Array(8 - left.length - right.length).fill(0),
    ...right,
  ];
}

/** Parses a literal IPv4 or IPv6 address (an IPv6 zone, `%eth0`, is ignored). */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (V4.test(text)) {
    return {
      bytes: Uint8Array.from([
        ...V4_MAPPED_PREFIX,
        ...text.split(".").map(Number),
      ]),
      v4: true,
    };
  }
  const v6 = v6Words(text.includes(":") ? text.replace(/%[^%]*$/, "") : text);
  if (v6 === undefined) return undefined;
  const bytes = new Uint8Array(16);
  v6.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return { bytes, v4: V4_MAPPED_PREFIX.every((b, i) => bytes[i] === b) };
}

/**
 * `address` as text: dotted IPv4 for IPv4 (mapped or not), else the first
 * `count` (default 8) uncompressed IPv6 words.
 */
export function formatIpAddress(address: IpAddress, count = 8): string {
  const { bytes } = address;
  if (address.v4) return Array.from(bytes.subarray(12)).join(".");
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  }
  return out.join(":");
}

/**
 * Parses `a.b.c.d`, `a.b.c.d/n` (n ≤ 32), an IPv6 address or `ipv6/n`
 * (n ≤ 128); a lone address is a range of one. Zones are not accepted.
 */
export function parseIpRange(text: string): IpRange | undefined {
  const match = /^([^/%]+)(?:\/(\d{1,3}))?$/.exec(text);
  if (!match) return undefined;
  const address = parseIpAddress(match[1]);
  if (!address) return undefined;
  const bits = V4.test(match[1]) ? 32 : 128;
  const prefix = match[2] === undefined ? bits : Number(match[2]);
  if (prefix > bits) return undefined;
  return { bytes: address.bytes, prefix: prefix + 128 - bits };
}

/** Whether `address` lies in `range`. */
export function inIpRange(address: IpAddress, range: IpRange): boolean {
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) {
    if (address.bytes[i] !== range.bytes[i]) return false;
  }
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address.bytes[whole] & mask) === (range.bytes[whole] & mask);
}
