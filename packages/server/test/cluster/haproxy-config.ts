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
    'global',
    `    maxconn ${options.maxconn}`,
    `    stats socket ${options.adminSocket} mode 600 level admin`,
    '',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 60s',
    '    timeout server 60s',
    // WebSocket and XMPP streams are tunnels: SDK clients ping every 20 s, XMPP clients less often.
    '    timeout tunnel 1h',
    '    timeout client-fin 10s',
    // A connection refused by a node that just died or stopped is retried at once on another one.
    '    option redispatch 1',
    '    retries 3',
    '',
    'frontend parley_http',
    `    bind ${options.httpBind}`,
    '    option forwardfor',
    ...(options.tls ? ['    http-request set-header X-Forwarded-Proto https'] : []),
    '    default_backend parley_http',
    '',
    'backend parley_http',
    // WebSockets live long: send each new one to the node holding the fewest.
    '    balance leastconn',
    '    option httpchk GET /healthz',
    '    http-check expect status 200',
    `    default-server check inter ${options.checkIntervalMs}ms fall 2 rise 2`,
    // An upload in progress is staged on the node that created it (its URL names the node).
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
    // The node's health is its HTTP health: a draining node takes no new XMPP streams either.
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
