import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCompareOptions } from './options';
import { median, ratio, summarizeServer } from './report';
import type { XmppRunResult } from './load';
import {
  clientFinal,
  clientFirstBare,
  escapeSaslName,
  parseServerFirst,
  saltedPassword,
  verifyServerFinal,
} from './scram';
import {
  chatMessage,
  messageBody,
  messageNumberOf,
  parseCpuTicks,
  parseVmRssBytes,
  sentAtOf,
  streamHeader,
} from './wire';

describe('message bodies', () => {
  it('carry the send time and the number for this run only', () => {
    const body = messageBody('xab12', 42, 1_700_000_000_123.456);
    expect(body).toBe('xab12 1700000000123.456 #42');
    expect(sentAtOf(body, 'xab12')).toBe(1_700_000_000_123.456);
    expect(messageNumberOf(body)).toBe(42);
    expect(sentAtOf(body, 'xother')).toBeUndefined();
    expect(sentAtOf('warm-xab12 3', 'xab12')).toBeUndefined();
    expect(sentAtOf('xab12 nonsense #1', 'xab12')).toBeUndefined();
    expect(messageNumberOf('no number here')).toBeUndefined();
  });

  it('escapes what it puts into stanzas', () => {
    expect(chatMessage("a'b@localhost", 'm1', '<x> & y')).toBe(
      "<message type='chat' to='a&apos;b@localhost' id='m1'><body>&lt;x&gt; &amp; y</body></message>",
    );
    expect(streamHeader('localhost')).toContain("to='localhost'");
  });
});

describe('/proc parsing', () => {
  it('reads VmRSS in bytes', () => {
    const status = 'Name:\tbeam.smp\nVmPeak:\t  999 kB\nVmRSS:\t   88156 kB\nRssAnon:\t 1 kB\n';
    expect(parseVmRssBytes(status)).toBe(88156 * 1024);
    expect(parseVmRssBytes('Name:\tzombie\nState:\tZ (zombie)\n')).toBeUndefined();
  });

  it('adds utime and stime, even when the command name has spaces and parentheses', () => {
    const fields = ['S', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '250', '50', '0', '0'];
    expect(parseCpuTicks(`1234 (lua5.4) ${fields.join(' ')}`)).toBe(300);
    expect(parseCpuTicks(`1234 (a b) c)) ${fields.join(' ')}`)).toBe(300);
    expect(parseCpuTicks('garbage')).toBeUndefined();
  });
});

describe('SCRAM-SHA-1 client', () => {
  // The example exchange of RFC 5802 section 5 (user "user", password "pencil").
  const first = 'n=user,r=fyko+d2lbbFgONRv9qkxdawL';
  const serverFirst = 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096';

  it('computes the RFC 5802 example proof and verifies the server signature', () => {
    expect(clientFirstBare('user', 'fyko+d2lbbFgONRv9qkxdawL')).toBe(first);
    const { salt, iterations } = parseServerFirst(serverFirst, 'fyko+d2lbbFgONRv9qkxdawL');
    const final = clientFinal(first, serverFirst, saltedPassword('pencil', salt, iterations));
    expect(final.message).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=', final.expectedServerSignature)).toBe(true);
    expect(verifyServerFinal('v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=', final.expectedServerSignature)).toBe(false);
    expect(verifyServerFinal('e=other-error', final.expectedServerSignature)).toBe(false);
  });

  it('agrees with a server-side computation for another password', () => {
    const salt = Buffer.from('salty');
    const salted = pbkdf2Sync('bench-password', salt, 4096, 20, 'sha1');
    const sf = `r=abcXYZ,s=${salt.toString('base64')},i=4096`;
    const final = clientFinal('n=bench0,r=abc', sf, saltedPassword('bench-password', salt, 4096));
    const authMessage = `n=bench0,r=abc,${sf},c=biws,r=abcXYZ`;
    const storedKey = createHash('sha1').update(createHmac('sha1', salted).update('Client Key').digest()).digest();
    const signature = createHmac('sha1', storedKey).update(authMessage).digest();
    const proof = Buffer.from(final.message.split(',p=')[1]!, 'base64');
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    expect(createHash('sha1').update(clientKey).digest().equals(storedKey)).toBe(true);
  });

  it('refuses a server nonce that does not extend ours, and bad parameters', () => {
    expect(() => parseServerFirst('r=other,s=QQ==,i=4096', 'mine')).toThrow(/nonce/);
    expect(() => parseServerFirst('r=mine,s=QQ==,i=4096', 'mine')).toThrow(/nonce/);
    expect(() => parseServerFirst('r=mineX,i=4096', 'mine')).toThrow(/salt/);
    expect(() => parseServerFirst('r=mineX,s=QQ==,i=0', 'mine')).toThrow(/iteration/);
    expect(() => parseServerFirst('m=ext,r=mineX,s=QQ==,i=4096', 'mine')).toThrow(/extension/);
    expect(escapeSaslName('a=b,c')).toBe('a=3Db=2Cc');
  });
});

describe('report', () => {
  const run = (server: string, deliveredPerS: number, p50: number): XmppRunResult => ({
    server,
    loadAverage: [1],
    tls: '',
    loginS: 1,
    sent: 100,
    delivered: 100,
    duplicates: 0,
    lost: 0,
    otherStanzas: 0,
    errors: {},
    disconnects: 0,
    sendRate: 100,
    deliveredPerS,
    latencyMs: { count: 100, min: 1, mean: p50, p50, p95: p50 * 2, p99: p50 * 4, max: p50 * 5 },
    rss: { beforeLoginMB: 10, afterLoginMB: 20, peakMB: 30, perConnectionKB: 50 },
    serverCpuS: 1,
    serverCpuSPer1000: 10,
    maxClientBufferKB: 0,
    generatorCpuPct: 12,
  });

  it('takes medians over rounds and orients ratios so that above 1 favours Parley', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(median([Number.NaN])).toBeNaN();
    const runs = [run('parley (full)', 900, 2), run('parley (full)', 1100, 4), run('prosody', 500, 6)];
    const parley = summarizeServer('parley (full)', runs);
    expect(parley.deliveredPerS).toBe(1000);
    expect(parley.p50).toBe(3);
    const r = ratio(parley, summarizeServer('prosody', runs));
    expect(r.throughput).toBe(2);
    expect(r.p50).toBe(2);
    expect(r.cpu).toBe(1);
  });
});

describe('bench:xmpp options', () => {
  it('parses, defaults and bounds', () => {
    const o = parseCompareOptions(['--clients', '200', '--rate', '500', '--duration', '20']);
    expect(o).toMatchObject({
      clients: 200,
      rate: 500,
      durationS: 20,
      rounds: 2,
      graceS: 20,
      mechanism: 'SCRAM-SHA-1',
    });
    expect(o.servers).toEqual(['parley', 'parley-normal', 'ejabberd', 'prosody']);
    expect(
      parseCompareOptions(['--clients', '2', '--rate', '1', '--duration', '1', '--servers', 'prosody,parley']).servers,
    ).toEqual(['prosody', 'parley']);
    expect(() => parseCompareOptions(['--clients', '3', '--rate', '1', '--duration', '1'])).toThrow(/even/);
    expect(() =>
      parseCompareOptions(['--clients', '2', '--rate', '1', '--duration', '1', '--servers', 'openfire']),
    ).toThrow(/unknown server/);
    expect(() => parseCompareOptions(['--clients', '99999', '--rate', '1', '--duration', '1'])).toThrow(/within/);
  });
});

describe('users file of run.ts', () => {
  it('reads username:password lines, passwords may hold colons', async () => {
    const { parseUsers } = await import('./run');
    expect(parseUsers('# accounts\nalice:pw1\n\nbob:a:b:c\n')).toEqual([
      { username: 'alice', password: 'pw1' },
      { username: 'bob', password: 'a:b:c' },
    ]);
    expect(() => parseUsers('nocolon')).toThrow(/username:password/);
  });
});
