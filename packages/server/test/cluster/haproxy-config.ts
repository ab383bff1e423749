/**
 * The haproxy.cfg of a Parley cluster, from one template: the cluster tests run
 * haproxy with it on loopback ports, and docs/operations.md prints it for an
 * example deployment (haproxy-docs.test.ts fails when the printed one is stale),
 * so the documented configuration is the tested one. Only the addresses, the TLS
 * line and where the runtime socket lives differ between the two.
 */

export interface HaproxyNode {
  /** PARLEY_NODE_ID of the node: also the server's name, and the upload route's key. */
  id: string;
  host: string;
  httpPort: number;
  xmppPort: number;
}

export interface HaproxyOptions {
  nodes: readonly HaproxyNode[];
  /** Where clients connect for HTTP and WebSocket, e.g. `:443 ssl crt /etc/haproxy/parley.pem`. */
  httpBind: string;
  /** Where XMPP clients connect (TCP, STARTTLS end to end with the nodes), e.g. `:5222`. */
  xmppBind: string;
  /** The runtime API socket (drain a node, read server states). */
  adminSocket: string;
  /** Sets X-Forwarded-Proto https: true when `httpBind` terminates TLS. */
  tls: boolean;
  /** Most client connections at once (each takes two file descriptors: raise `ulimit -n` to match). */
  maxconn: number;
  /** Health-check interval in milliseconds; a node is out after 2 failed checks, back after 2 good ones. */
  checkIntervalMs: number;
}

/** The haproxy.cfg text (haproxy 2.6 or later). */
export function haproxyConfig(options: HaproxyOptions): string {
  const { nodes } = options;
  const lines = [
    '# Parley cluster: HTTP and WebSocket on one frontend, XMPP (TCP, STARTTLS end to end) on another.',
    'global',
    `    maxconn ${options.maxconn}`,
    '    # The runtime API: drain a node, read server states.',
    `    stats socket ${options.adminSocket} mode 600 level admin`,
    '',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 60s',
    '    timeout server 60s',
    '    # WebSocket and XMPP streams are tunnels, idle at most this long (SDK clients ping every 20 s).',
    '    timeout tunnel 1h',
    '    timeout client-fin 10s',
    '    # A connection refused by a node that died or stopped is retried at once on another one.',
    '    option redispatch 1',
    '    retries 3',
    '',
    'frontend parley_http',
    `    bind ${options.httpBind}`,
    "    # The client's address, for Parley's per-address limits (PARLEY_TRUSTED_PROXIES names this proxy).",
    '    option forwardfor',
    ...(options.tls ? ['    http-request set-header X-Forwarded-Proto https'] : []),
    '    default_backend parley_http',
    '',
    'backend parley_http',
    '    # WebSockets live long: each new one goes to the node holding the fewest.',
    '    balance leastconn',
    '    # A stopping node answers 503: out after 2 failed checks, back after 2 good ones.',
    '    option httpchk GET /healthz',
    '    http-check expect status 200',
    `    default-server check inter ${options.checkIntervalMs}ms fall 2 rise 2`,
    '    # An upload in progress is staged on the node that created it: its URL names that node.',
    ...nodes.map((node) => `    use-server ${node.id} if { path_beg /v1/uploads/${node.id}/ }`),
    ...nodes.map((node) => `    server ${node.id} ${node.host}:${node.httpPort}`),
    '',
    'frontend parley_xmpp',
    '    mode tcp',
    `    bind ${options.xmppBind}`,
    '    default_backend parley_xmpp',
    '',
    'backend parley_xmpp',
    '    mode tcp',
    '    balance leastconn',
    '    # A node is as healthy as its HTTP side: a draining or stopping node takes no new XMPP stream.',
    '    option httpchk GET /healthz',
    '    http-check expect status 200',
    `    default-server check inter ${options.checkIntervalMs}ms fall 2 rise 2`,
    ...nodes.map((node) => `    server ${node.id} ${node.host}:${node.xmppPort} check port ${node.httpPort}`),
    '',
  ];
  return lines.join('\n');
}

/** The example deployment docs/operations.md shows. */
export const documentedHaproxy: HaproxyOptions = {
  nodes: [1, 2, 3].map((n) => ({ id: `n${n}`, host: `10.0.0.1${n}`, httpPort: 8080, xmppPort: 5222 })),
  httpBind: ':443 ssl crt /etc/haproxy/parley.pem',
  xmppBind: ':5222',
  adminSocket: '/run/haproxy/admin.sock',
  tls: true,
  maxconn: 100_000,
  checkIntervalMs: 1000,
};
