/**
 * Every configuration key: environment variable, type, default, bounds and the
 * text of its row in docs/configuration.md (generated from this file by
 * `npm run docs:config`; a test fails when the docs are stale).
 */

interface BaseKey {
  env: string;
  doc: string;
}
export interface IntKey extends BaseKey {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}
export interface StringKey extends BaseKey {
  kind: 'string';
  default: string | null;
}
export interface EnumKey<V extends string = string> extends BaseKey {
  kind: 'enum';
  default: V;
  values: readonly V[];
}
export type ConfigKey = IntKey | StringKey | EnumKey;

const KiB = 1024;
const MiB = 1024 * KiB;

export const configKeys = {
  host: {
    env: 'PARLEY_HOST',
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address to listen on. Use `0.0.0.0` to accept connections from other machines.',
  },
  port: {
    env: 'PARLEY_PORT',
    kind: 'int',
    default: 8080,
    min: 0,
    max: 65535,
    doc: 'TCP port for HTTP and WebSocket (`0` picks a free port and logs it).',
  },
  dataDir: {
    env: 'PARLEY_DATA_DIR',
    kind: 'string',
    default: 'data',
    doc: 'Directory for the SQLite database and other local state; created if missing.',
  },
  db: {
    env: 'PARLEY_DB',
    kind: 'enum',
    default: 'sqlite',
    values: ['sqlite', 'postgres'],
    doc: 'Store backend: embedded SQLite, or PostgreSQL (set `PARLEY_DATABASE_URL`).',
  },
  sqlitePath: {
    env: 'PARLEY_SQLITE_PATH',
    kind: 'string',
    default: null,
    doc: 'SQLite file. Default: `<PARLEY_DATA_DIR>/parley.db`.',
  },
  groupCommitMax: {
    env: 'PARLEY_GROUP_COMMIT_MAX',
    kind: 'int',
    default: 256,
    min: 1,
    max: 10_000,
    doc: 'Most writes (messages, receipts) that share one commit when they arrive together. `1` commits each write alone (slower; no other difference: every write is committed before it is answered).',
  },
  sqliteSynchronous: {
    env: 'PARLEY_SQLITE_SYNCHRONOUS',
    kind: 'enum',
    default: 'full',
    values: ['full', 'normal'],
    doc: '`full` makes each acknowledged message survive power loss; `normal` survives a process crash (kill -9) but not power loss, and is faster.',
  },
  sqliteThread: {
    env: 'PARLEY_SQLITE_THREAD',
    kind: 'enum',
    default: 'main',
    values: ['main', 'worker'],
    doc: "`main` runs SQLite on the event loop's thread; `worker` runs it (its queries and the fsync of every commit) on a thread of its own, so that a commit never stalls the sockets, at the cost of one round trip between threads per statement, which measured slower on a busy 2-core machine (docs/performance.md, ADR 0010). Guarantees are the same either way.",
  },
  databaseUrl: {
    env: 'PARLEY_DATABASE_URL',
    kind: 'string',
    default: null,
    doc: 'PostgreSQL connection URL, e.g. `postgres://parley@127.0.0.1:5432/parley`. Required when `PARLEY_DB=postgres`.',
  },
  busUrl: {
    env: 'PARLEY_BUS_URL',
    kind: 'string',
    default: null,
    doc: 'The cluster bus: `nats://host:4222` (several URLs separated by commas). Unset: the in-process bus of a single node. Every node of a cluster needs the same bus, the same PostgreSQL database and the same `PARLEY_BUS_PREFIX`.',
  },
  busPrefix: {
    env: 'PARLEY_BUS_PREFIX',
    kind: 'string',
    default: 'parley',
    doc: 'The first token of every NATS subject this deployment uses, so that several deployments can share one NATS.',
  },
  nodeId: {
    env: 'PARLEY_NODE_ID',
    kind: 'string',
    default: null,
    doc: "This node's name in a cluster (letters, digits, `-` and `_`, at most 32): it marks the events it writes and the uploads it receives (a load balancer routes an upload back to its node by it). Default: a random name at each start.",
  },
  pgSchema: {
    env: 'PARLEY_PG_SCHEMA',
    kind: 'string',
    default: 'public',
    doc: 'PostgreSQL schema holding Parley tables (created if missing).',
  },
  maxMessageBytes: {
    env: 'PARLEY_MAX_MESSAGE_BYTES',
    kind: 'int',
    default: 16 * KiB,
    min: 1,
    max: 1 * MiB,
    doc: 'Largest message text, in UTF-8 bytes.',
  },
  maxFrameBytes: {
    env: 'PARLEY_MAX_FRAME_BYTES',
    kind: 'int',
    default: 64 * KiB,
    min: 4 * KiB,
    max: 8 * MiB,
    doc: 'Largest WebSocket frame or HTTP body, in bytes. Must exceed `PARLEY_MAX_MESSAGE_BYTES` by at least 2 KiB (JSON envelope and escaping).',
  },
  maxGroupMembers: {
    env: 'PARLEY_MAX_GROUP_MEMBERS',
    kind: 'int',
    default: 1000,
    min: 2,
    max: 100_000,
    doc: 'Most members a group conversation may have.',
  },
  historyPageMax: {
    env: 'PARLEY_HISTORY_PAGE_MAX',
    kind: 'int',
    default: 200,
    min: 1,
    max: 500,
    doc: 'Most messages returned by one history or sync page (per conversation).',
  },
  sessionTtlDays: {
    env: 'PARLEY_SESSION_TTL_DAYS',
    kind: 'int',
    default: 30,
    min: 1,
    max: 3650,
    doc: 'A session expires after this many days without use.',
  },
  registration: {
    env: 'PARLEY_REGISTRATION',
    kind: 'enum',
    default: 'open',
    values: ['open', 'closed'],
    doc: 'Self sign-up: `open` lets anyone create an account (`POST /v1/auth/register`, the web app, `parley register`, and XMPP in-band registration, XEP-0077, offered only then); `closed` refuses it everywhere with `registration_closed` (accounts are made by `parley user add`).',
  },
  minPasswordLength: {
    env: 'PARLEY_MIN_PASSWORD_LENGTH',
    kind: 'int',
    default: 8,
    min: 1,
    max: 1024,
    doc: 'Shortest accepted password, in characters.',
  },
  authTimeoutMs: {
    env: 'PARLEY_AUTH_TIMEOUT_MS',
    kind: 'int',
    default: 10_000,
    min: 100,
    max: 300_000,
    doc: 'A WebSocket must send its `auth` frame within this time or is closed (4100).',
  },
  typingTtlMs: {
    env: 'PARLEY_TYPING_TTL_MS',
    kind: 'int',
    default: 6_000,
    min: 500,
    max: 60_000,
    doc: 'A typing indicator expires after this long unless renewed.',
  },
  editWindowSeconds: {
    env: 'PARLEY_EDIT_WINDOW_SECONDS',
    kind: 'int',
    default: 172_800,
    min: 0,
    max: 31_536_000,
    doc: 'How long after sending a message its author may edit it (48 hours by default; `0`: no limit). Deleting has no window.',
  },
  maxReactionsPerMessage: {
    env: 'PARLEY_MAX_REACTIONS_PER_MESSAGE',
    kind: 'int',
    default: 50,
    min: 1,
    max: 1000,
    doc: 'Distinct emoji one message may carry; reacting with one more is refused (`limit_reached`).',
  },
  maxPins: {
    env: 'PARLEY_MAX_PINS',
    kind: 'int',
    default: 100,
    min: 1,
    max: 10_000,
    doc: 'Pinned messages per conversation; pinning one more is refused (`limit_reached`).',
  },
  sendBufferBytes: {
    env: 'PARLEY_SEND_BUFFER_BYTES',
    kind: 'int',
    default: 4 * MiB,
    min: 64 * KiB,
    max: 256 * MiB,
    doc: 'Per-connection outgoing buffer; a client that falls further behind is disconnected (4108) and resyncs.',
  },
  slowReaderGraceMs: {
    env: 'PARLEY_SLOW_READER_GRACE_MS',
    kind: 'int',
    default: 10_000,
    min: 100,
    max: 120_000,
    doc: 'After a 4108 disconnect, how long the slow reader has to read what was queued and the close frame; then the socket is dropped (the reader sees 1006). Nothing more is queued meanwhile.',
  },
  framesPerSecond: {
    env: 'PARLEY_RATE_FRAMES_PER_SEC',
    kind: 'int',
    default: 50,
    min: 1,
    max: 100_000,
    doc: 'Sustained WebSocket frames per second per connection (burst: 4x); excess frames get `rate_limited`.',
  },
  authAttemptsPerMinute: {
    env: 'PARLEY_RATE_AUTH_PER_MIN',
    kind: 'int',
    default: 30,
    min: 1,
    max: 100_000,
    doc: 'Authentication attempts per minute per client address: password logins (HTTP, XMPP SASL), password changes and registrations, and WebSocket `auth` frames with a refused token. A successful login or password change gives its attempt back, so many people behind one address are limited by their failures only; a registration always counts; a valid token is never refused. IPv6 clients count per /64 network. Past the limit: `rate_limited` (HTTP 429 with `Retry-After`), and an XMPP stream is closed.',
  },
  membershipChangesPerMinute: {
    env: 'PARLEY_RATE_MEMBERSHIP_PER_MIN',
    kind: 'int',
    default: 20,
    min: 1,
    max: 100_000,
    doc: 'Joins (XMPP room joins included), invite acceptances and leaves per minute per account, all ways in together: each is a system message to every connected member, so a join/leave loop must not flood a large channel.',
  },
  rateLimitBackend: {
    env: 'PARLEY_RATE_LIMIT_BACKEND',
    kind: 'enum',
    default: 'auto',
    values: ['auto', 'memory', 'postgres'],
    doc: "Where the per-address and per-account limits above are counted: `memory` (this process: right for one node), `postgres` (the `rate_limits` table of the shared database: one budget for every node of a cluster), or `auto`: `postgres` when `PARLEY_DB=postgres`, else `memory`. Per-connection limits (frames, stanzas) are always counted by the connection's own node.",
  },
  trustedProxies: {
    env: 'PARLEY_TRUSTED_PROXIES',
    kind: 'string',
    default: null,
    doc: 'Proxies allowed to say who the client is, comma-separated: addresses, CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or `loopback`, `linklocal`, `uniquelocal`. From such a peer, HTTP and WebSocket requests take the client address from `X-Forwarded-For` (walking back through trusted hops only), and XMPP TCP connections from a PROXY protocol v1 or v2 header (haproxy `send-proxy`/`send-proxy-v2`; optional: a trusted peer may also connect directly). Unset: nobody is trusted, every client is its socket address, and forwarded headers are ignored.',
  },
  shutdownGraceMs: {
    env: 'PARLEY_SHUTDOWN_GRACE_MS',
    kind: 'int',
    default: 10_000,
    min: 0,
    max: 300_000,
    doc: 'On SIGTERM, how long to wait for in-flight work before closing.',
  },
  webDir: {
    env: 'PARLEY_WEB_DIR',
    kind: 'string',
    default: null,
    doc: 'Folder of the built web app served at `/`. Default: `packages/web/dist` of this repository (`npm start` builds it; `npm run build:web` rebuilds it).',
  },
  xmppPort: {
    env: 'PARLEY_XMPP_PORT',
    kind: 'int',
    default: 5222,
    min: -1,
    max: 65535,
    doc: 'TCP port of the XMPP listener (client-to-server, RFC 6120); `0` picks a free port, `-1` disables it. XMPP over WebSocket is always at `/xmpp-websocket` on the HTTP port.',
  },
  xmppDomain: {
    env: 'PARLEY_XMPP_DOMAIN',
    kind: 'string',
    default: 'localhost',
    doc: 'The XMPP domain: users are `username@domain`, groups are rooms at `conference.domain`.',
  },
  xmppTlsCert: {
    env: 'PARLEY_XMPP_TLS_CERT',
    kind: 'string',
    default: null,
    doc: 'PEM certificate (chain) file for XMPP STARTTLS. Without it, a self-signed certificate for the domain is generated once into `PARLEY_DATA_DIR` (development only).',
  },
  xmppTlsKey: {
    env: 'PARLEY_XMPP_TLS_KEY',
    kind: 'string',
    default: null,
    doc: 'PEM private key file matching `PARLEY_XMPP_TLS_CERT`.',
  },
  xmppMaxStanzaBytes: {
    env: 'PARLEY_XMPP_MAX_STANZA_BYTES',
    kind: 'int',
    default: 256 * KiB,
    min: 4 * KiB,
    max: 16 * MiB,
    doc: 'Largest XMPP stanza accepted; a larger one closes the stream with `policy-violation`.',
  },
  xmppStanzasPerSecond: {
    env: 'PARLEY_XMPP_RATE_STANZAS_PER_SEC',
    kind: 'int',
    default: 50,
    min: 1,
    max: 100_000,
    doc: 'Sustained stanzas per second per XMPP stream (burst: 4x); a stream past it is paused (reading stops) until it is back under.',
  },
  xmppOutboundQueueMax: {
    env: 'PARLEY_XMPP_OUTBOUND_QUEUE_MAX',
    kind: 'int',
    default: 10_000,
    min: 100,
    max: 1_000_000,
    doc: 'Most events waiting to become stanzas for one XMPP resource; a resource further behind is disconnected (`policy-violation`) and catches up when it reconnects.',
  },
  xmppResumeSeconds: {
    env: 'PARLEY_XMPP_RESUME_SECONDS',
    kind: 'int',
    default: 300,
    min: 0,
    max: 86_400,
    doc: 'XEP-0198 stream management: how long a dropped XMPP stream that enabled resumption is kept (its resource, rooms and unacknowledged stanzas, in memory) for the client to resume it; `0` offers no resumption.',
  },
  storage: {
    env: 'PARLEY_STORAGE',
    kind: 'enum',
    default: 'local',
    values: ['local', 's3'],
    doc: 'Where file bytes live: `local` disk under `PARLEY_FILES_DIR`, or an S3-compatible bucket (`PARLEY_S3_*`; needed by clusters so every node sees every file).',
  },
  filesDir: {
    env: 'PARLEY_FILES_DIR',
    kind: 'string',
    default: null,
    doc: 'Folder for files (`blobs/`, with `PARLEY_STORAGE=local`) and for uploads in progress (`uploads/`, always on local disk). Default: `<PARLEY_DATA_DIR>/files`.',
  },
  s3Bucket: {
    env: 'PARLEY_S3_BUCKET',
    kind: 'string',
    default: null,
    doc: 'Bucket for `PARLEY_STORAGE=s3` (must exist). Files go under `files/`, thumbnails under `thumbs/`.',
  },
  s3Endpoint: {
    env: 'PARLEY_S3_ENDPOINT',
    kind: 'string',
    default: null,
    doc: 'S3 endpoint URL for non-AWS stores (MinIO, Ceph, Garage...), e.g. `http://127.0.0.1:9000`. Unset: AWS.',
  },
  s3Region: {
    env: 'PARLEY_S3_REGION',
    kind: 'string',
    default: 'us-east-1',
    doc: 'S3 region.',
  },
  s3AccessKeyId: {
    env: 'PARLEY_S3_ACCESS_KEY_ID',
    kind: 'string',
    default: null,
    doc: 'S3 access key id. Unset: the AWS SDK default chain (environment, instance role...).',
  },
  s3SecretAccessKey: {
    env: 'PARLEY_S3_SECRET_ACCESS_KEY',
    kind: 'string',
    default: null,
    doc: 'S3 secret access key (with `PARLEY_S3_ACCESS_KEY_ID`).',
  },
  s3PathStyle: {
    env: 'PARLEY_S3_PATH_STYLE',
    kind: 'enum',
    default: 'false',
    values: ['true', 'false'],
    doc: '`true` addresses the bucket as `<endpoint>/<bucket>` (MinIO and most self-hosted stores) instead of `<bucket>.<endpoint>`.',
  },
  maxFileBytes: {
    env: 'PARLEY_MAX_FILE_BYTES',
    kind: 'int',
    default: 100 * MiB,
    min: 1,
    max: 64 * 1024 * MiB,
    doc: 'Largest file accepted, in bytes. Refused (`file_too_large`) when the upload is created, from its `Upload-Length`, before any byte is sent.',
  },
  userQuotaBytes: {
    env: 'PARLEY_USER_QUOTA_BYTES',
    kind: 'int',
    default: 5 * 1024 * MiB,
    min: 0,
    max: 1024 * 1024 * MiB,
    doc: 'Bytes of files each user may keep (uploads in progress count their full size); `quota_exceeded` beyond it. Files are freed when no message carries them any more.',
  },
  fileTypes: {
    env: 'PARLEY_FILE_TYPES',
    kind: 'string',
    default: '*',
    doc: 'Allowed file types, comma-separated: `*`, exact types (`application/pdf`) or families (`image/*`). Checked against the declared type at creation and the sniffed type at the end (`file_type_not_allowed`); unknown content counts as `application/octet-stream`.',
  },
  imageStripMetadata: {
    env: 'PARLEY_IMAGE_STRIP_METADATA',
    kind: 'enum',
    default: 'true',
    values: ['true', 'false'],
    doc: '`true` re-encodes JPEG, PNG and WebP uploads without EXIF/XMP metadata (GPS location included), after applying their orientation.',
  },
  imageMaxProcessBytes: {
    env: 'PARLEY_IMAGE_MAX_PROCESS_BYTES',
    kind: 'int',
    default: 32 * MiB,
    min: 0,
    max: 1024 * MiB,
    doc: 'Largest image decoded in memory for dimensions, thumbnail, placeholder and metadata stripping; larger images are kept as plain files.',
  },
  uploadExpiryHours: {
    env: 'PARLEY_UPLOAD_EXPIRY_HOURS',
    kind: 'int',
    default: 24,
    min: 1,
    max: 24 * 365,
    doc: 'Unfinished uploads, and finished files that no message carries, are deleted this many hours after their creation.',
  },
  fileCleanupIntervalSeconds: {
    env: 'PARLEY_FILE_CLEANUP_INTERVAL_SECONDS',
    kind: 'int',
    default: 600,
    min: 0,
    max: 86_400,
    doc: 'How often each node deletes expired uploads and unreferenced files (`0`: never; run it elsewhere).',
  },
  fileLinkTtlSeconds: {
    env: 'PARLEY_FILE_LINK_TTL_SECONDS',
    kind: 'int',
    default: 3600,
    min: 10,
    max: 7 * 86_400,
    doc: 'Lifetime of a signed download link (`GET /v1/files/{id}/link`): what `<img>` and `<video>` use, since they cannot send a token.',
  },
  fileLinkSecret: {
    env: 'PARLEY_FILE_LINK_SECRET',
    kind: 'string',
    default: null,
    doc: 'Key (at least 32 characters) that signs download links. Unset: a random key kept in `<PARLEY_DATA_DIR>/file-link.key`. Clusters must give every node the same value.',
  },
  publicUrl: {
    env: 'PARLEY_PUBLIC_URL',
    kind: 'string',
    default: null,
    doc: 'The address (`https://chat.example.org`, no trailing slash) at which clients reach the HTTP side: the start of the upload and download URLs given to XMPP clients (XEP-0363, XEP-0066). Unset: the address the server listens on (fine on one machine, wrong behind a proxy).',
  },
  outboundAllow: {
    env: 'PARLEY_OUTBOUND_ALLOW',
    kind: 'string',
    default: null,
    doc: 'Internal addresses that outgoing requests (webhook deliveries) may reach after all, comma-separated: addresses, CIDR ranges (`10.1.0.0/16`, `fd00::/8`) or `loopback`, `linklocal`, `uniquelocal`. Unset: every loopback, private, link-local, CGNAT, multicast, unspecified and reserved address (IPv4-mapped and NAT64 forms included) is refused, whatever a host name resolves to.',
  },
  webhookTimeoutMs: {
    env: 'PARLEY_WEBHOOK_TIMEOUT_MS',
    kind: 'int',
    default: 10_000,
    min: 100,
    max: 60_000,
    doc: 'Time a webhook receiver has to answer one delivery attempt (DNS, connect, request and response together); past it the attempt counts as a timeout and is retried.',
  },
  webhookRetryBaseMs: {
    env: 'PARLEY_WEBHOOK_RETRY_BASE_MS',
    kind: 'int',
    default: 60_000,
    min: 10,
    max: 3_600_000,
    doc: 'Wait after the first failed webhook attempt; each further wait doubles (with ±20% jitter) up to `PARLEY_WEBHOOK_RETRY_MAX_DELAY_MS`. A `Retry-After` from the receiver (429, 503) replaces the computed wait. Defaults: 1, 2, 4, 8, 16, 32, 64 and 128 minutes, then every 4 hours: 14 attempts over about 24 hours.',
  },
  webhookRetryMaxDelayMs: {
    env: 'PARLEY_WEBHOOK_RETRY_MAX_DELAY_MS',
    kind: 'int',
    default: 4 * 3_600_000,
    min: 10,
    max: 24 * 3_600_000,
    doc: 'Longest wait between two webhook attempts (`Retry-After` included).',
  },
  webhookMaxAttempts: {
    env: 'PARLEY_WEBHOOK_MAX_ATTEMPTS',
    kind: 'int',
    default: 14,
    min: 1,
    max: 100,
    doc: 'Attempts of one webhook delivery (the first send and its retries) before it is marked failed; a redelivery starts a new round.',
  },
  webhookRetentionDays: {
    env: 'PARLEY_WEBHOOK_RETENTION_DAYS',
    kind: 'int',
    default: 7,
    min: 1,
    max: 365,
    doc: 'Days a finished webhook delivery (delivered or failed) and its attempts stay listable and redeliverable; older ones are deleted hourly. Deliveries still being retried are kept.',
  },
  jobLeaseMs: {
    env: 'PARLEY_JOB_LEASE_MS',
    kind: 'int',
    default: 60_000,
    min: 1000,
    max: 3_600_000,
    doc: 'How long a node holds a job of the durable queue (a webhook delivery) while it runs; a job whose node died runs elsewhere once this lapses. Must exceed `PARLEY_WEBHOOK_TIMEOUT_MS`.',
  },
  jobPollMs: {
    env: 'PARLEY_JOB_POLL_MS',
    kind: 'int',
    default: 1000,
    min: 10,
    max: 60_000,
    doc: "How often each node looks for due jobs and for committed events that other nodes (or the admin commands) left for the dispatcher; a node's own writes are dispatched at once.",
  },
  incomingWebhookPerMinute: {
    env: 'PARLEY_RATE_INCOMING_WEBHOOK_PER_MIN',
    kind: 'int',
    default: 60,
    min: 1,
    max: 100_000,
    doc: 'Posts per minute to one incoming webhook, all nodes together; past it `rate_limited` (HTTP 429 with `Retry-After`).',
  },
  logLevel: {
    env: 'PARLEY_LOG_LEVEL',
    kind: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    doc: 'Minimum level of the JSON log lines written to stdout.',
  },
} as const satisfies Record<string, ConfigKey>;

type KeyValue<K> = K extends { kind: 'int' }
  ? number
  : K extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : K extends { default: null }
      ? string | null
      : string;

export type Config = { -readonly [N in keyof typeof configKeys]: KeyValue<(typeof configKeys)[N]> };
