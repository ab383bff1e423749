/**
 * The PROXY protocol (haproxy's proxy-protocol.txt, versions 1 and 2): the header
 * a TCP proxy (haproxy `send-proxy` / `send-proxy-v2`) writes before the client's
 * bytes to say who the client is. parseProxyHeader reads it from the first bytes
 * of a connection; readPreamble waits for enough of them to decide. Whether the
 * peer may send one at all (PARLEY_TRUSTED_PROXIES) is the caller's decision:
 * this module never trusts anybody.
 */
import { isIPv4, isIPv6, type Socket } from 'node:net';

export type ProxyHeader =
  | { kind: 'incomplete' }
  /** The bytes do not start a PROXY header: they are the client's own. */
  | { kind: 'absent' }
  | { kind: 'invalid'; reason: string }
  /** `source` null: LOCAL (a proxy's health check), UNKNOWN or a non-IP family; the peer is the client. */
  | { kind: 'header'; version: 1 | 2; length: number; source: { address: string; port: number } | null };

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** Version 1 lines are at most 107 bytes with their CRLF. */
const V1_MAX = 107;
/** Addresses (at most 216 bytes, AF_UNIX) plus TLVs; haproxy's own stay far below. */
const V2_MAX_PAYLOAD = 4096;

const invalid = (reason: string): ProxyHeader => ({ kind: 'invalid', reason });

/** True when `data` (however short) could still be the start of `prefix`. */
function mayStartWith(data: Buffer, prefix: Buffer): boolean {
  const n = Math.min(data.length, prefix.length);
  return data.subarray(0, n).equals(prefix.subarray(0, n));
}

export function parseProxyHeader(data: Buffer): ProxyHeader {
  if (mayStartWith(data, V2_SIGNATURE) && data.length > 0 && data[0] === 0x0d) return parseV2(data);
  if (mayStartWith(data, V1_PREFIX)) return data.length === 0 ? { kind: 'incomplete' } : parseV1(data);
  return { kind: 'absent' };
}

const PORT = /^(0|[1-9][0-9]{0,4})$/;

function parseV1(data: Buffer): ProxyHeader {
  if (data.length < V1_PREFIX.length) return { kind: 'incomplete' };
  const end = data.indexOf('\r\n', 0, 'latin1');
  if (end === -1 || end + 2 > V1_MAX) {
    return end === -1 && data.length < V1_MAX ? { kind: 'incomplete' } : invalid('v1: no CRLF within 107 bytes');
  }
  const line = data.subarray(0, end).toString('latin1');
  const [, family, src, dst, srcPort, dstPort, ...extra] = line.split(' ');
  if (family === 'UNKNOWN') return { kind: 'header', version: 1, length: end + 2, source: null };
  const isIp = family === 'TCP4' ? isIPv4 : family === 'TCP6' ? isIPv6 : null;
  if (!isIp) return invalid(`v1: unknown protocol ${JSON.stringify(family ?? '')}`);
  if (extra.length > 0 || !src || !dst || !srcPort || !dstPort)
    return invalid('v1: expected 4 fields after the protocol');
  if (!isIp(src) || !isIp(dst)) return invalid(`v1: addresses are not ${family}`);
  if (!PORT.test(srcPort) || !PORT.test(dstPort) || Number(srcPort) > 65535 || Number(dstPort) > 65535) {
    return invalid('v1: ports must be decimal 0..65535');
  }
  return { kind: 'header', version: 1, length: end + 2, source: { address: src, port: Number(srcPort) } };
}

function parseV2(data: Buffer): ProxyHeader {
  if (data.length < 16) return { kind: 'incomplete' };
  const versionCommand = data[12] ?? 0;
  const familyProtocol = data[13] ?? 0;
  const payload = data.readUInt16BE(14);
  if (versionCommand >> 4 !== 2) return invalid(`v2: version ${versionCommand >> 4}`);
  const command = versionCommand & 0x0f;
  if (command > 1) return invalid(`v2: command ${command}`);
  if (payload > V2_MAX_PAYLOAD) return invalid(`v2: ${payload} bytes of addresses and TLVs`);
  const length = 16 + payload;
  if (data.length < length) return { kind: 'incomplete' };
  // LOCAL: the proxy speaks for itself (health checks); the addresses mean nothing.
  if (command === 0) return { kind: 'header', version: 2, length, source: null };
  const family = familyProtocol >> 4;
  const protocol = familyProtocol & 0x0f;
  if (protocol === 2) return invalid('v2: datagram (UDP) connection');
  if (family === 1) {
    if (payload < 12) return invalid('v2: INET addresses truncated');
    const address = [...data.subarray(16, 20)].join('.');
    return { kind: 'header', version: 2, length, source: { address, port: data.readUInt16BE(24) } };
  }
  if (family === 2) {
    if (payload < 36) return invalid('v2: INET6 addresses truncated');
    return {
      kind: 'header',
      version: 2,
      length,
      source: { address: formatIpv6(data.subarray(16, 32)), port: data.readUInt16BE(48) },
    };
  }
  if (family === 0 || family === 3) return { kind: 'header', version: 2, length, source: null };
  return invalid(`v2: address family ${family}`);
}

/** RFC 5952 text of 16 bytes: the longest run of zero groups as `::`; a mapped IPv4 client in dotted form. */
function formatIpv6(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return [...bytes.subarray(12)].join('.');
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at === -1) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

export type Preamble =
  | { kind: 'absent'; rest: Buffer }
  | { kind: 'header'; source: { address: string; port: number } | null; rest: Buffer }
  | { kind: 'invalid'; reason: string };

/**
 * Reads a new connection's first bytes until they are, or are not, a PROXY header,
 * and pauses the socket there: the caller wires the connection, hands it `rest`
 * (the client's bytes already read) and resumes. Rejects when the peer goes away
 * or sends nothing decisive within `timeoutMs`.
 */
export function readPreamble(socket: Socket, timeoutMs: number): Promise<Preamble> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const finish = (error: Error | null, preamble?: Preamble) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (error) reject(error);
      else if (preamble) resolve(preamble);
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const header = parseProxyHeader(buffered);
      if (header.kind === 'incomplete') return;
      if (header.kind === 'absent') finish(null, { kind: 'absent', rest: buffered });
      else if (header.kind === 'invalid') finish(null, header);
      else finish(null, { kind: 'header', source: header.source, rest: buffered.subarray(header.length) });
    };
    const onClose = () => finish(new Error('closed before its first bytes'));
    const timer = setTimeout(() => finish(new Error('no first bytes in time')), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
