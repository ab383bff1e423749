import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listenError, listenProblem, StartupError } from './startup-error';

/** The error node:net gives for listening on `host:port`, or undefined when it listens. */
async function listenFailure(host: string, port: number): Promise<unknown> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return undefined;
  } catch (error) {
    return error;
  } finally {
    server.close();
  }
}

describe('listen problems', () => {
  it('names the setting and the port of a port in use', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const error = await listenFailure('127.0.0.1', port);
      const listener = { what: 'XMPP', setting: 'PARLEY_XMPP_PORT', host: '127.0.0.1', port } as const;
      expect(listenProblem(error, listener)).toBe(
        `port ${port} on 127.0.0.1 (XMPP) is already in use by another program or another Parley: ` +
          `set PARLEY_XMPP_PORT to a free port, e.g. PARLEY_XMPP_PORT=${port + 1} ` +
          '(or PARLEY_XMPP_PORT=-1 to turn XMPP off), or stop the other program',
      );
      const wrapped = listenError(error, listener);
      expect(wrapped).toBeInstanceOf(StartupError);
      expect((wrapped as StartupError).cause).toBe(error);
    } finally {
      holder.close();
    }
  });

  it('says when the host is not an address of this machine', async () => {
    // 192.0.2.0/24 is reserved for documentation: never an address of a test machine.
    const error = await listenFailure('192.0.2.1', 0);
    const listener = { what: 'HTTP and WebSocket', setting: 'PARLEY_PORT', host: '192.0.2.1', port: 0 } as const;
    expect(listenProblem(error, listener)).toContain('set PARLEY_HOST');
  });

  it('explains privileged ports, and leaves other errors alone', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
    const listener = { what: 'HTTP and WebSocket', setting: 'PARLEY_PORT', host: '0.0.0.0', port: 80 } as const;
    expect(listenProblem(denied, listener)).toContain('set PARLEY_PORT to a port from 1024 up');
    const other = new Error('disk on fire');
    expect(listenProblem(other, listener)).toBeUndefined();
    expect(listenError(other, listener)).toBe(other);
  });
});
