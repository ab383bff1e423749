/**
 * A fake OpenAI-compatible chat-completions server for the assistant's tests (the real
 * service is on the internet, out of reach here). It speaks the real streaming protocol:
 * `POST <base>/chat/completions` answered with server-sent events, one
 * `data: {chat.completion.chunk}` line per piece, a last chunk with `finish_reason`, then
 * `data: [DONE]`. It checks each request (model, `stream: true`, the bearer key, the
 * messages) and records it, and the test scripts what the next requests get: a stream
 * (optionally held at a gate the test opens), an HTTP error, a stall, or a stream cut off.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  authorization: string | undefined;
  body: { model?: unknown; stream?: unknown; messages?: { role: string; content: string }[]; max_tokens?: unknown };
}

export type Behaviour =
  /** Streams `pieces`; with `gateAfter`, sends that many, then waits for `gate` before the rest. */
  | { type: 'stream'; pieces: readonly string[]; gateAfter?: number; gate?: Promise<void> }
  | { type: 'status'; status: number }
  /** Sends the headers and `pieces`, then nothing more (the client must give up). */
  | { type: 'stall'; pieces: readonly string[] }
  /** Sends `pieces`, then breaks the connection without the end of the stream. */
  | { type: 'cut'; pieces: readonly string[] };

export interface FakeOpenAi {
  /** The base URL (`http://127.0.0.1:PORT/v1`). */
  baseUrl: string;
  requests: SeenRequest[];
  /** What was wrong with requests (a wrong model, no `stream: true`, a wrong key): empty when all were right. */
  problems: string[];
  /** Behaviours for the next requests, in order; when empty, a short stream of "ok". */
  script: Behaviour[];
  close(): Promise<void>;
}

function chunk(model: string, delta: Record<string, string>, finish: string | null): string {
  const body = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export async function startFakeOpenAi(expect: { model: string; apiKey: string }): Promise<FakeOpenAi> {
  const requests: SeenRequest[] = [];
  const problems: string[] = [];
  const script: Behaviour[] = [];
  const open = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const part of req) chunks.push(part as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      problems.push(`unexpected ${req.method} ${req.url}`);
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SeenRequest['body'];
    requests.push({ authorization: req.headers.authorization, body });
    if (req.headers.authorization !== `Bearer ${expect.apiKey}`)
      problems.push(`authorization ${req.headers.authorization}`);
    if (body.model !== expect.model) problems.push(`model ${String(body.model)}`);
    if (body.stream !== true) problems.push('stream is not true');
    if (!Array.isArray(body.messages) || body.messages.length === 0) problems.push('no messages');
    const behaviour = script.shift() ?? { type: 'stream', pieces: ['ok'] };
    if (behaviour.type === 'status') {
      res.writeHead(behaviour.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'scripted failure', type: 'server_error', code: null } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    open.add(res);
    res.on('close', () => open.delete(res));
    const model = expect.model;
    res.write(chunk(model, { role: 'assistant', content: '' }, null));
    const pieces = behaviour.pieces;
    const first =
      behaviour.type === 'stream' && behaviour.gateAfter !== undefined ? behaviour.gateAfter : pieces.length;
    for (const piece of pieces.slice(0, first)) res.write(chunk(model, { content: piece }, null));
    if (behaviour.type === 'stall') return; // nothing more, until the client hangs up
    if (behaviour.type === 'cut') {
      // Once what was written has left, the connection ends without the stream's end.
      // (An SSE comment line, ignored by readers, whose callback says the bytes before it left.)
      res.write(': cut\n\n', () => res.socket?.destroy());
      return;
    }
    if (behaviour.gate) await behaviour.gate;
    if (res.destroyed) return;
    for (const piece of pieces.slice(first)) res.write(chunk(model, { content: piece }, null));
    res.write(chunk(model, {}, 'stop'));
    res.end('data: [DONE]\n\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      problems.push(`handler failed: ${String(error)}`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    problems,
    script,
    async close() {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
