/**
 * The keys the per-address limits count under. An IPv4 address is itself; an
 * IPv6 client counts per /64 network, because one subscriber usually gets a whole
 * /64 and could otherwise take a fresh address for every attempt.
 */

/** `auth` budget key of a client address (IPv4 dotted, or IPv6 text as Node prints it). */
export function addressRateKey(address: string): string {
  const bare = address.split('%')[0] ?? address; // an IPv6 zone (fe80::1%eth0) is local detail
  if (!bare.includes(':')) return bare;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  const groups = expandIpv6(bare);
  if (!groups) return bare.toLowerCase();
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros; null when it is not one. */
function expandIpv6(address: string): string[] | null {
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const split = (part: string | undefined) => (part ? part.split(':') : []);
  const head = split(halves[0]);
  const tail = split(halves[1]);
  // An embedded IPv4 tail (::1.2.3.4) fills the last two groups.
  const last = tail.length > 0 ? tail : head;
  if (last.length > 0 && last[last.length - 1]?.includes('.')) last.splice(-1, 1, '0', '0');
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16).toString(16));
}
