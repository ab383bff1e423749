/**
 * A push service for the tests, speaking RFC 8030 over plain HTTP on loopback: a
 * subscription is a URL `/push/<id>` and the key pair the "browser" keeps for it. Each
 * POST must carry a VAPID token (RFC 8292: `Authorization: vapid t=<JWT>, k=<key>`) whose
 * ES256 signature verifies against `k`, with `k` the server's public key, `aud` this
 * service's origin and `exp` in the future; its body is decrypted (RFC 8291, aes128gcm)
 * with the subscription's private key by `http_ece`, so what the tests read is what a
 * browser would. Answers are scripted per subscription (201 when nothing is queued;
 * `hang` never answers). Accepted pushes are kept by Topic (RFC 8030 5.4: a push with the
 * Topic of one not yet delivered replaces it), as a real service does.
 */
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export interface PushRequest {
  subscription: string;
  topic: string | undefined;
  urgency: string | undefined;
  ttl: string | undefined;
  /** The decrypted body, parsed. */
  payload: Record<string, unknown>;
  status: number | 'hang';
}

export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Slot {
  ecdh: ECDH;
  auth: string;
  script: (number | 'hang')[];
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64url');
}

/** Verifies a VAPID JWT (ES256) with the uncompressed P-256 key `k`; returns its claims. */
export function verifyVapid(
  header: string | undefined,
  expectedKey: string,
  audience: string,
): Record<string, unknown> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`no VAPID authorization: ${header}`);
  const [, token, key] = match as unknown as [string, string, string];
  if (key !== expectedKey) throw new Error('the VAPID key is not the server’s');
  const [head, body, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('the VAPID signature does not verify');
  const alg = (JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg: string }).alg;
  if (alg !== 'ES256') throw new Error(`VAPID alg ${alg}`);
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  if (claims.aud !== audience) throw new Error(`VAPID aud ${String(claims.aud)} is not ${audience}`);
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw new Error('VAPID token expired');
  if (typeof claims.sub !== 'string') throw new Error('VAPID token without sub');
  return claims;
}

export class TestPushService {
  readonly requests: PushRequest[] = [];
  /** Accepted pushes, by subscription and Topic (a later one with the same Topic replaces). */
  readonly accepted = new Map<string, Map<string, Record<string, unknown>>>();
  readonly errors: string[] = [];
  private readonly slots = new Map<string, Slot>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  private origin = '';
  private listeners: (() => void)[] = [];
  vapidKey = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new subscription, as `PushManager.subscribe()` would give the app. */
  subscribe(): TestSubscription {
    const id = randomBytes(9).toString('base64url');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = b64(randomBytes(16));
    this.slots.set(id, { ecdh, auth, script: [] });
    return { id, endpoint: `${this.origin}/push/${id}`, keys: { p256dh: b64(ecdh.getPublicKey()), auth } };
  }

  /** The next answers to this subscription's pushes (then 201 again). */
  script(subscription: TestSubscription, ...answers: (number | 'hang')[]): void {
    this.slots.get(subscription.id)!.script.push(...answers);
  }

  requestsOf(subscription: TestSubscription): PushRequest[] {
    return this.requests.filter((r) => r.subscription === subscription.id);
  }

  acceptedOf(subscription: TestSubscription): Record<string, unknown>[] {
    return [...(this.accepted.get(subscription.id)?.values() ?? [])];
  }

  /** Resolves once `probe` holds (checked after every request). */
  async until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (probe()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out waiting for ${what}; requests: ${JSON.stringify(this.requests)}`));
      }, timeoutMs);
      const check = () => {
        if (!probe()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    const slot = id === undefined ? undefined : this.slots.get(id);
    if (req.method !== 'POST' || !slot || id === undefined) return void res.writeHead(404).end();
    let payload: Record<string, unknown>;
    try {
      verifyVapid(req.headers.authorization, this.vapidKey, this.origin);
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
      const plain = ece.decrypt(Buffer.concat(chunks), {
        version: 'aes128gcm',
        privateKey: slot.ecdh,
        authSecret: slot.auth,
      });
      payload = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      this.errors.push(String(error));
      return void res.writeHead(400).end(String(error));
    }
    const status = slot.script.shift() ?? 201;
    const topic = req.headers.topic as string | undefined;
    this.requests.push({
      subscription: id,
      topic,
      urgency: req.headers.urgency as string | undefined,
      ttl: req.headers.ttl as string | undefined,
      payload,
      status,
    });
    if (status === 201) {
      const byTopic = this.accepted.get(id) ?? new Map<string, Record<string, unknown>>();
      byTopic.set(topic ?? randomBytes(8).toString('hex'), payload);
      this.accepted.set(id, byTopic);
    }
    for (const listener of [...this.listeners]) listener();
    if (status === 'hang') return void this.hanging.add(res);
    res.writeHead(status, status === 201 ? { location: `/message/${randomBytes(6).toString('hex')}` } : {}).end();
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
