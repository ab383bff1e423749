import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundError } from '../ports/outbound-http';
import { guardedFetch, isInternalAddress, SafeFetch } from './safe-fetch';

let server: Server;
let port = 0;
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    } else if (req.url === '/big') {
      res.writeHead(200).end('x'.repeat(100_000));
    } else if (req.url === '/cut') {
      res.writeHead(200);
      res.write('partial', () => res.socket?.destroy());
    } else if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('late'), 2000).unref();
    } else {
      res.writeHead(201, { 'x-answer': 'yes' }).end('hello');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (url: string, extra: Partial<Parameters<SafeFetch['send']>[0]> = {}) => ({
  url,
  method: 'POST' as const,
  headers: { 'content-type': 'application/json' },
  body: '{}',
  timeoutMs: 1000,
  maxResponseBytes: 1024,
  ...extra,
});

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundError) return error.reason;
    throw error;
  }
  return 'sent';
}

describe('isInternalAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
    'fe80::1',
    'fd00::1',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    'not-an-address',
  ])('refuses %s', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700::1111', '::ffff:1.1.1.1'])('lets %s through', (address) =>
    expect(isInternalAddress(address)).toBe(false),
  );
});

describe('SafeFetch', () => {
  it('refuses loopback by default, before any byte is sent', async () => {
    const before = seen.length;
    const fetcher = new SafeFetch({ allow: [] });
    expect(await reason(fetcher.send(post(`http://127.0.0.1:${port}/`)))).toBe('refused_address');
    expect(await reason(fetcher.send(post(`http://localhost:${port}/`)))).toBe('refused_address');
    expect(await reason(fetcher.send(post(`http://[::ffff:127.0.0.1]:${port}/`)))).toBe('refused_address');
    expect(seen.length).toBe(before);
  });

  it('refuses a name when any of its addresses is internal', async () => {
    const fetcher = new SafeFetch({ allow: [], resolve: () => Promise.resolve(['1.1.1.1', '10.0.0.1']) });
    expect(await reason(fetcher.send(post('http://mixed.example/')))).toBe('refused_address');
  });

  it('sends to loopback when the operator allows it, and returns status, headers and body', async () => {
    const fetcher = new SafeFetch({ allow: ['loopback'] });
    const response = await fetcher.send(post(`http://localhost:${port}/hook`));
    expect(response).toMatchObject({ status: 201, body: 'hello', truncated: false });
    expect(response.headers['x-answer']).toBe('yes');
    expect(seen.at(-1)?.headers.cookie).toBeUndefined();
  });

  it('connects to the address it checked, not to what a later lookup says', async () => {
    // The name resolves only through our resolver: the socket must use its answer.
    let calls = 0;
    const fetcher = new SafeFetch({
      allow: ['127.0.0.1/32'],
      resolve: () => {
        calls += 1;
        return Promise.resolve(['127.0.0.1']);
      },
    });
    const response = await fetcher.send(post(`http://receiver.invalid:${port}/`));
    expect(response.status).toBe(201);
    expect(calls).toBe(1);
  });

  it('follows no redirect', async () => {
    const response = await new SafeFetch({ allow: ['loopback'] }).send(post(`http://127.0.0.1:${port}/redirect`));
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://127.0.0.1:1/elsewhere');
  });

  it('reads at most maxResponseBytes', async () => {
    const response = await new SafeFetch({ allow: ['loopback'] }).send(
      post(`http://127.0.0.1:${port}/big`, { maxResponseBytes: 100 }),
    );
    expect(response.body).toHaveLength(100);
    expect(response.truncated).toBe(true);
  });

  it('gives up after the time limit', async () => {
    const fetcher = new SafeFetch({ allow: ['loopback'] });
    expect(await reason(fetcher.send(post(`http://127.0.0.1:${port}/slow`, { timeoutMs: 200 })))).toBe('timeout');
  });

  it('refuses other schemes and credentials in the URL', async () => {
    const fetcher = new SafeFetch({ allow: ['loopback'] });
    expect(await reason(fetcher.send(post('ftp://127.0.0.1/')))).toBe('bad_url');
    expect(await reason(fetcher.send(post(`http://user:pw@127.0.0.1:${port}/`)))).toBe('bad_url');
  });
});

describe('guardedFetch', () => {
  it('refuses loopback unless allowed, like send', async () => {
    const fetchBlocked = guardedFetch(new SafeFetch({ allow: [] }), 1000);
    const before = seen.length;
    await expect(fetchBlocked(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ reason: 'refused_address' });
    expect(seen.length).toBe(before);
  });

  it('posts the body with its headers and hands back the response as it streams', async () => {
    const fetchAllowed = guardedFetch(new SafeFetch({ allow: ['loopback'] }), 1000);
    const response = await fetchAllowed(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.text()).toBe('hello');
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe('Bearer k');
  });

  it('hands over every byte that came before the body broke off, then the error', async () => {
    const fetchAllowed = guardedFetch(new SafeFetch({ allow: ['loopback'] }), 2000);
    const response = await fetchAllowed(`http://127.0.0.1:${port}/cut`);
    const reader = response.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    await expect(
      (async () => {
        for (let i = 0; i < 100; i += 1) {
          const { done, value } = await reader.read();
          if (done) return;
          text += decoder.decode(value);
        }
      })(),
    ).rejects.toMatchObject({ reason: 'network' });
    expect(text).toBe('partial');
  });

  it('gives up when no answer comes within the time limit', async () => {
    const fetchAllowed = guardedFetch(new SafeFetch({ allow: ['loopback'] }), 300);
    await expect(fetchAllowed(`http://127.0.0.1:${port}/slow`)).rejects.toMatchObject({ reason: 'timeout' });
  });
});
