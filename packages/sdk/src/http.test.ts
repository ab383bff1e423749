import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './http';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

// A real HTTP server on loopback answering a few routes like the Parley server.
let server: Server;
let base = '';
const seen: Seen[] = [];

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void read(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      if (req.url === '/v1/auth/logout') {
        res.writeHead(204).end();
      } else if (req.url?.startsWith('/v1/users?')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ users: [] }));
      } else if (req.url === '/v1/conversations/nope') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'not_found', message: 'no such conversation', retryable: false } }));
      } else {
        res.writeHead(502).end('<html>bad gateway</html>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HttpClient', () => {
  it('sends the bearer token and query, and returns the JSON body', async () => {
    const http = new HttpClient({ baseUrl: base, getToken: () => 'tok' });
    await expect(http.findUsers('bob smith')).resolves.toEqual({ users: [] });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/v1/users?username=bob+smith', auth: 'Bearer tok' });
    await expect(http.logout()).resolves.toBeUndefined();
  });

  it('throws ParleyError with the registry code and HTTP status', async () => {
    const http = new HttpClient({ baseUrl: base, getToken: () => 'tok' });
    await expect(http.getConversation('nope')).rejects.toMatchObject({
      name: 'ParleyError',
      code: 'not_found',
      status: 404,
      retryable: false,
    });
    await expect(http.listContacts()).rejects.toMatchObject({ code: 'internal', status: 502, retryable: true });
  });

  it('refuses authenticated calls without a token, and reports network failures as retryable', async () => {
    await expect(new HttpClient({ baseUrl: base }).me()).rejects.toMatchObject({ code: 'unauthenticated' });
    const down = new HttpClient({ baseUrl: 'http://127.0.0.1:1', getToken: () => 't' });
    await expect(down.me()).rejects.toMatchObject({ code: 'unavailable', retryable: true, localFailure: 'network' });
  });

  it('does not send a token to login', async () => {
    const http = new HttpClient({ baseUrl: base, getToken: () => 'tok' });
    await expect(http.login({ username: 'a', password: 'b' })).rejects.toMatchObject({ status: 502 });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', auth: undefined, body: '{"username":"a","password":"b"}' });
  });
});
