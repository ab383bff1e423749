/**
 * Start-up failures that the operator fixes by changing a setting, not bugs: a port
 * another program already listens on, a port the process may not open, an address
 * that is not this machine's. `StartupError` carries a message that names the
 * setting and its value; the CLI prints it without a stack trace (it recognizes the
 * error by its name, as it does ConfigError). Anything else stays a plain error.
 */

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** What failed to listen: the setting that chooses its port, for the message. */
export interface Listener {
  /** `HTTP and WebSocket`, `XMPP`. */
  what: string;
  setting: 'PARLEY_PORT' | 'PARLEY_XMPP_PORT';
  host: string;
  port: number;
}

function codeOf(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The sentence that tells the operator what to change, or undefined for an error we cannot explain. */
export function listenProblem(error: unknown, listener: Listener): string | undefined {
  const { what, setting, host, port } = listener;
  const off = setting === 'PARLEY_XMPP_PORT' ? ` (or ${setting}=-1 to turn XMPP off)` : '';
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return (
        `port ${port} on ${host} (${what}) is already in use by another program or another Parley: ` +
        `set ${setting} to a free port, e.g. ${setting}=${port === 65535 ? port - 1 : port + 1}${off}, or stop the other program`
      );
    case 'EACCES':
      return `not allowed to listen on port ${port} on ${host} (${what}): ports below 1024 need privileges; set ${setting} to a port from 1024 up${off}`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${host} (${what}): it is not an address of this machine; set PARLEY_HOST to one of its addresses, 127.0.0.1 or 0.0.0.0`;
    default:
      return undefined;
  }
}

/** A StartupError for an explained listen failure; the error itself otherwise. */
export function listenError(error: unknown, listener: Listener): unknown {
  const problem = listenProblem(error, listener);
  return problem === undefined ? error : new StartupError(problem, { cause: error });
}
