import { describe, expect, it } from 'vitest';
import { parseProxyHeader } from './proxy-protocol';

const SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

function v2(command: number, familyProtocol: number, addresses: Buffer, extra = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x20 | command;
  head[1] = familyProtocol;
  head.writeUInt16BE(addresses.length + extra.length, 2);
  return Buffer.concat([SIG, head, addresses, extra]);
}

function inet(src: number[], srcPort: number, dst: number[], dstPort: number): Buffer {
  const out = Buffer.alloc(12);
  Buffer.from(src).copy(out, 0);
  Buffer.from(dst).copy(out, 4);
  out.writeUInt16BE(srcPort, 8);
  out.writeUInt16BE(dstPort, 10);
  return out;
}

function inet6(src: string, srcPort: number): Buffer {
  const out = Buffer.alloc(36);
  Buffer.from(src, 'hex').copy(out, 0);
  out.writeUInt16BE(srcPort, 32);
  out.writeUInt16BE(5222, 34);
  return out;
}

const text = (s: string) => Buffer.from(s, 'latin1');

describe('PROXY protocol v1', () => {
  it('reads TCP4 and TCP6 lines and leaves the client bytes after them', () => {
    const data = text('PROXY TCP4 198.51.100.7 10.0.0.1 40000 5222\r\n<?xml');
    expect(parseProxyHeader(data)).toEqual({
      kind: 'header',
      version: 1,
      length: data.length - 5,
      source: { address: '198.51.100.7', port: 40000 },
    });
    expect(parseProxyHeader(text('PROXY TCP6 2001:db8::7 2001:db8::1 1 5222\r\n'))).toMatchObject({
      source: { address: '2001:db8::7', port: 1 },
    });
    expect(parseProxyHeader(text('PROXY UNKNOWN\r\n'))).toMatchObject({ kind: 'header', source: null });
  });

  it('waits for the rest of a line cut anywhere', () => {
    const line = 'PROXY TCP4 198.51.100.7 10.0.0.1 40000 5222\r\n';
    for (let i = 0; i < line.length; i++) {
      expect(parseProxyHeader(text(line.slice(0, i))).kind).toBe('incomplete');
    }
  });

  it('says absent for a client that starts with XML (or anything else)', () => {
    expect(parseProxyHeader(text('<?xml version="1.0"?>')).kind).toBe('absent');
    expect(parseProxyHeader(text('<stream:stream')).kind).toBe('absent');
    expect(parseProxyHeader(text('PROXX')).kind).toBe('absent');
    expect(parseProxyHeader(text('\r\n<')).kind).toBe('absent');
  });

  it('refuses malformed lines', () => {
    const bad = [
      'PROXY TCP4 198.51.100.7 10.0.0.1 40000\r\n',
      'PROXY TCP4 2001:db8::1 10.0.0.1 40000 5222\r\n',
      'PROXY TCP4 198.51.100.7 10.0.0.1 65536 5222\r\n',
      'PROXY TCP4 198.51.100.7 10.0.0.1 040 5222\r\n',
      'PROXY TCP4 198.51.100.07 10.0.0.1 40 5222\r\n',
      'PROXY UDP4 198.51.100.7 10.0.0.1 40 5222\r\n',
      'PROXY TCP4 198.51.100.7 10.0.0.1 40 5222 extra\r\n',
      `PROXY TCP4 ${'1'.repeat(120)}`,
    ];
    for (const line of bad) expect(parseProxyHeader(text(line)).kind, line).toBe('invalid');
  });
});

describe('PROXY protocol v2', () => {
  it('reads INET and INET6 sources, TLVs skipped', () => {
    const four = v2(1, 0x11, inet([198, 51, 100, 7], 40000, [10, 0, 0, 1], 5222), Buffer.from([0x04, 0, 1, 0]));
    expect(parseProxyHeader(Buffer.concat([four, text('<?xml')]))).toEqual({
      kind: 'header',
      version: 2,
      length: four.length,
      source: { address: '198.51.100.7', port: 40000 },
    });
    const six = v2(1, 0x21, inet6('20010db8000000000000000000000007', 1234));
    expect(parseProxyHeader(six)).toMatchObject({ source: { address: '2001:db8::7', port: 1234 } });
    const mapped = v2(1, 0x21, inet6('00000000000000000000ffffc6336407', 1));
    expect(parseProxyHeader(mapped)).toMatchObject({ source: { address: '198.51.100.7' } });
  });

  it('takes LOCAL (a health check) and UNSPEC as the peer itself', () => {
    expect(parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)))).toMatchObject({ kind: 'header', source: null });
    expect(parseProxyHeader(v2(1, 0x00, Buffer.alloc(0)))).toMatchObject({ kind: 'header', source: null });
  });

  it('waits for a header cut anywhere', () => {
    const header = v2(1, 0x11, inet([198, 51, 100, 7], 40000, [10, 0, 0, 1], 5222));
    for (let i = 0; i < header.length; i++) expect(parseProxyHeader(header.subarray(0, i)).kind).toBe('incomplete');
  });

  it('refuses malformed headers', () => {
    const good = v2(1, 0x11, inet([198, 51, 100, 7], 40000, [10, 0, 0, 1], 5222));
    const version1 = Buffer.from(good);
    version1[12] = 0x11;
    const command = Buffer.from(good);
    command[12] = 0x22;
    const udp = Buffer.from(good);
    udp[13] = 0x12;
    const huge = Buffer.from(good);
    huge.writeUInt16BE(60_000, 14);
    const family = Buffer.from(good);
    family[13] = 0x41;
    const truncated = v2(1, 0x11, Buffer.alloc(8));
    for (const header of [version1, command, udp, huge, family, truncated]) {
      expect(parseProxyHeader(header).kind).toBe('invalid');
    }
  });
});
