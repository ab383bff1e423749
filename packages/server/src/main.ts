/**
 * The only composition root: load config, build adapters, start every part, and
 * stop them in reverse order. `runServer()` is what `parley start` and
 * `npm start` call; tests call `startServer()` with their own config.
 */
import type { AddressInfo } from 'node:net';
import { CloseCode, type Limits } from '@parley/protocol';
import { openFileStorage, loadLinkSecret, type FileStorage } from './blob/file-storage';
import { LocalBus } from './bus/bus-local';
import { BusEphemeralEvents } from './events/ephemeral';
import { defaultRelayOptions, EventRelay, type RelayOptions } from './events/relay';
import { EventDispatcher } from './events/dispatcher';
import { JobRunner } from './events/job-runner';
import { NudgedLoop } from './events/nudged-loop';
import { guardedFetch, parseOutboundAllow, SafeFetch } from './net/safe-fetch';
import { OpenAiChatModel } from './net/chat-openai';
import { JanusSfu } from './sfu/sfu-janus';
import { parseAllowedTypes } from './media/sniff';
import type { Config } from './config/schema';
import { loadConfig } from './config/load';
import { buildHttpApp } from './gateways/http/app';
import { WsGateway } from './gateways/ws/server';
import { XmppGateway } from './gateways/xmpp/server';
import { loadTlsContext } from './gateways/xmpp/tls';
import { createLogger, silentLogger } from './observability/logger';
import { createMetrics, registerClusterMetrics, type Metrics } from './observability/metrics';
import { releaseStartupMemory } from './observability/startup-memory';
import { compileProxyTrust, parseTrustedProxies } from './net/client-address';
import type { RateLimiter, RateLimitRules } from './ports/rate-limiter';
import { createMemoryRateLimiter } from './rate-limit/rate-limiter-memory';
import { systemClock, type Clock } from './ports/clock';
import type { Bus } from './ports/bus';
import type { Logger } from './ports/logger';
import type { PresenceRegistry } from './ports/presence';
import { BusPresenceRegistry } from './presence/presence-registry-bus';
import { LocalPresenceRegistry } from './presence/presence-registry-local';
import type { Store } from './ports/store';
import { RealtimeHub } from './realtime/hub';
import {
  createServices,
  FileLinkSigner,
  noOutbound,
  RETENTION_ACTOR,
  parseEmailDomains,
  urlList,
  type AssistantOptions,
  type BotDeps,
  type PresendOutcome,
  type Services,
  type SsoOptions,
} from './services';
import { listenError, listenProblem } from './startup-error';
import { createStore } from './store/create-store';
import { sqliteDriver } from './store/sqlite/open-sqlite';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** The XMPP listener's TCP port; null when disabled or when it could not bind. */
  xmppPort: number | null;
  config: Config;
  services: Services;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** The bus to publish on; an in-process LocalBus by default. */
  bus?: Bus;
  /** A store already open and migrated (tests that observe its statements); the configured one by default. Closed by stop(). */
  store?: Store;
  /** Relay timings (tests shorten the takeover delay). */
  relay?: Partial<RelayOptions>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface Core {
  store: Store;
  /** The pre-send hooks' keep-alive client, closed last. */
  presendOutbound: { close(): void };
  files: FileStorage;
  bus: Bus;
  presence: PresenceRegistry;
  rates: RateLimiter;
  services: Services;
  limits: Limits;
}

/**
 * Store, bus and services: what both the server and the admin commands need.
 * `eventOrigin` names who writes outbox rows: a node, or `admin` (the CLI's admin
 * commands have no relay: a running server's relay publishes their events).
 */
async function buildCore(
  config: Config,
  logger: Logger,
  clock: Clock,
  eventOrigin: string,
  injectedBus?: Bus,
  injected?: Store,
  metrics?: Metrics,
): Promise<Core> {
  const bus = injectedBus ?? (await configuredBus(config, logger, eventOrigin));
  const store =
    injected ??
    (config.db === 'postgres'
      ? await createStore({
          db: 'postgres',
          databaseUrl: config.databaseUrl ?? '',
          schema: config.pgSchema,
          groupCommitMax: config.groupCommitMax,
          eventOrigin,
        })
      : await createStore({
          db: 'sqlite',
          sqlitePath: config.sqlitePath ?? '',
          synchronous: config.sqliteSynchronous,
          thread: config.sqliteThread,
          fsync: config.sqliteFsync,
          groupCommitMax: config.groupCommitMax,
          eventOrigin,
        }));
  await bus.start();
  // One node keeps its devices in memory; a cluster shares them on the bus.
  const presence: PresenceRegistry =
    config.busUrl === null
      ? new LocalPresenceRegistry(eventOrigin)
      : new BusPresenceRegistry(eventOrigin, { bus, clock, logger });
  const files = await openFileStorage(config);
  // The admin commands log nobody in: their budgets would never be read.
  const rates =
    eventOrigin === 'admin'
      ? createMemoryRateLimiter(rateRules(config), logger)
      : await configuredRates(config, logger);
  const limits: Limits = {
    maxMessageBytes: config.maxMessageBytes,
    maxFrameBytes: config.maxFrameBytes,
    maxHistoryPage: config.historyPageMax,
    maxGroupMembers: config.maxGroupMembers,
    editWindowSeconds: config.editWindowSeconds,
    maxFileBytes: config.maxFileBytes,
    linkPreviews: config.linkPreviews === 'on',
  };
  const fileDeps = {
    blobs: files.blobs,
    staging: files.staging,
    nodeId: eventOrigin,
    links: new FileLinkSigner(await loadLinkSecret(config), config.fileLinkTtlSeconds * 1000),
    limits: {
      maxFileBytes: config.maxFileBytes,
      userQuotaBytes: config.userQuotaBytes,
      allowedTypes: parseAllowedTypes(config.fileTypes),
      stripImageMetadata: config.imageStripMetadata === 'true',
      imageMaxProcessBytes: config.imageMaxProcessBytes,
      uploadExpiryMs: config.uploadExpiryHours * 60 * 60 * 1000,
    },
  };
  const botDeps: BotDeps =
    eventOrigin === 'admin'
      ? noOutbound
      : {
          outbound: new SafeFetch({ allow: parseOutboundAllow(config.outboundAllow), userAgent: 'Parley-Webhooks/1' }),
          delivery: {
            timeoutMs: config.webhookTimeoutMs,
            retry: {
              baseMs: config.webhookRetryBaseMs,
              maxDelayMs: config.webhookRetryMaxDelayMs,
              maxAttempts: config.webhookMaxAttempts,
              jitter: 0.2,
            },
          },
        };
  const sso = ssoOptions(config);
  // Keep-alive: a hook sits on every send's path, and a new connection per message would cost more than the hook.
  const presendOutbound =
    eventOrigin === 'admin'
      ? { ...noOutbound.outbound, close: () => undefined }
      : new SafeFetch({
          allow: parseOutboundAllow(config.outboundAllow),
          userAgent: 'Parley-PresendHook/1',
          keepAlive: true,
        });
  const observe = metrics
    ? (hook: string, outcome: PresendOutcome, seconds: number) => {
        metrics.presendOutcomes.inc({ hook, outcome });
        if (outcome !== 'breaker_open') metrics.presendSeconds.observe({ hook }, seconds);
      }
    : undefined;
  const services = createServices(
    {
      store,
      events: new BusEphemeralEvents(bus),
      clock,
      logger,
      limits: {
        purgeBatchRows: config.purgeBatchRows,
        purgeBatchesPerRun: config.purgeBatchesPerRun,
        maxMessageBytes: config.maxMessageBytes,
        maxGroupMembers: config.maxGroupMembers,
        historyPageMax: config.historyPageMax,
        sessionTtlMs: config.sessionTtlDays * DAY_MS,
        minPasswordLength: config.minPasswordLength,
        registration: config.registration,
        userDirectory: config.userDirectory,
        adminTwoFactorRequired: config.adminTwoFactor === 'required',
        typingTtlMs: config.typingTtlMs,
        editWindowSeconds: config.editWindowSeconds,
        maxReactionsPerMessage: config.maxReactionsPerMessage,
        maxPins: config.maxPins,
        maxFavourites: config.maxFavourites,
        passwordLogin: !(sso !== null && config.ssoPasswordLogin === 'off'),
      },
      rates,
    },
    fileDeps,
    presence,
    {
      ringMs: config.callRingSeconds * 1000,
      reconnectMs: config.callReconnectSeconds * 1000,
      turn: {
        turnUrls: urlList(config.turnUrls),
        secret: config.turnSecret,
        ttlSeconds: config.turnTtlSeconds,
        stunUrls: urlList(config.stunUrls),
        relayOnly: config.turnRelayOnly === 'on',
      },
    },
    botDeps,
    {
      vapid:
        config.vapidPublicKey !== null && config.vapidPrivateKey !== null
          ? { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey }
          : null,
      vapidSubject: config.vapidSubject,
      content: config.pushContent,
      ttlSeconds: config.pushTtlSeconds,
      focusTtlMs: config.pushFocusTtlMs,
      delivery: {
        // A push must end within its job's lease: a short lease (tests, webhooks tuned) bounds it.
        timeoutMs: Math.min(config.pushTimeoutMs, Math.floor(config.jobLeaseMs / 2)),
        retry: {
          baseMs: config.pushRetryBaseMs,
          maxDelayMs: config.pushRetryMaxDelayMs,
          maxAttempts: config.pushMaxAttempts,
          jitter: 0.2,
        },
      },
    },
    {
      enabled: config.linkPreviews === 'on' && eventOrigin !== 'admin',
      maxUrls: config.linkPreviewMaxUrls,
      // A preview must end within its job's lease, as a push must: a short lease bounds it.
      timeoutMs: Math.min(config.linkPreviewTimeoutMs, Math.floor(config.jobLeaseMs / 2)),
      maxPageBytes: config.linkPreviewMaxBytes,
      maxImageBytes: config.linkPreviewImageMaxBytes,
      cacheMs: config.linkPreviewCacheSeconds * 1000,
    },
    eventOrigin === 'admin'
      ? noOutbound.outbound
      : new SafeFetch({ allow: parseOutboundAllow(config.outboundAllow), userAgent: 'Parley-LinkPreview/1' }),
    { timeoutMs: config.interactionTimeoutMs, deferMs: config.interactionDeferMs },
    {
      defaultDays: config.retentionDays,
      allowLongerDefault: config.retentionAllowLonger === 'on',
      batchSize: config.retentionBatch,
      leaseMs: RETENTION_LEASE_MS,
      holder: eventOrigin,
    },
    sso,
    eventOrigin === 'admin' ? null : assistantOptions(config),
    {
      // The admin commands never join calls: no connection to Janus from them.
      sfu:
        config.janusUrl === null || eventOrigin === 'admin'
          ? null
          : new JanusSfu(
              {
                url: config.janusUrl,
                apiSecret: config.janusApiSecret,
                timeoutMs: config.janusTimeoutMs,
                keepaliveMs: JANUS_KEEPALIVE_MS,
                bitrate: config.groupCallBitrate,
              },
              logger,
            ),
      maxParticipants: config.groupCallMaxParticipants,
    },
    {
      outbound: presendOutbound,
      options: {
        defaultDeadlineMs: config.presendDeadlineMs,
        breakerFailures: config.presendBreakerFailures,
        breakerOpenMs: config.presendBreakerOpenMs,
        ...(observe ? { observe } : {}),
      },
    },
  );
  return { store, files, bus, presence, rates, services, limits, presendOutbound };
}

const MINUTE_MS = 60_000;

/**
 * PARLEY_ASSISTANT_*: the model when a base URL is set (else the assistant is off). Its
 * requests go through their own guard: the operator's allow list, or every address when
 * PARLEY_ASSISTANT_ALLOW_INTERNAL=on (a model server on this machine or the local network).
 */
function assistantOptions(config: Config): AssistantOptions {
  const timeoutMs = Math.min(config.assistantTimeoutMs, Math.floor(config.jobLeaseMs / 2));
  // Every address (the allow list takes no /0: two halves each).
  const everywhere = ['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1'];
  const allow = config.assistantAllowInternal === 'on' ? everywhere : parseOutboundAllow(config.outboundAllow);
  const guard = new SafeFetch({ allow, userAgent: 'Parley-Assistant/1' });
  return {
    username: config.assistantUsername,
    model:
      config.assistantBaseUrl === null || config.assistantModel === null
        ? null
        : new OpenAiChatModel({
            baseUrl: config.assistantBaseUrl,
            model: config.assistantModel,
            apiKey: config.assistantApiKey,
            fetch: guardedFetch(guard, timeoutMs),
          }),
    maxContextTokens: config.assistantMaxContextTokens,
    maxAnswerTokens: config.assistantMaxAnswerTokens,
    timeoutMs,
    editIntervalMs: config.assistantEditIntervalMs,
    historyMessages: Math.min(100, config.historyPageMax),
  };
}

/** Below Janus' default session_timeout (60 s), with room for a slow answer. */
const JANUS_KEEPALIVE_MS = 25_000;
/** A retention batch is a few hundred rows: a minute is ample, and a dead node's lease lapses soon. */
const RETENTION_LEASE_MS = 60_000;

/**
 * PARLEY_SSO_*: null when no issuer is set. Its requests to the provider go through
 * their own guard (same allow list as webhooks) so that its User-Agent says what it is.
 * @throws Error when the issuer is set without a client id, or is not a URL.
 */
function ssoOptions(config: Config): SsoOptions | null {
  if (config.ssoIssuer === null) return null;
  if (config.ssoClientId === null) throw new Error('PARLEY_SSO_ISSUER is set: PARLEY_SSO_CLIENT_ID is required too.');
  const issuer = new URL(config.ssoIssuer);
  if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:')
    throw new Error('PARLEY_SSO_ISSUER must be an https URL.');
  return {
    issuer: config.ssoIssuer,
    clientId: config.ssoClientId,
    clientSecret: config.ssoClientSecret,
    scopes: config.ssoScopes,
    label: config.ssoLabel.slice(0, 64),
    createAccounts: config.ssoCreateAccounts === 'on',
    emailDomains: parseEmailDomains(config.ssoEmailDomains),
    usernameClaim: config.ssoUsernameClaim,
    loginTimeoutMs: config.ssoLoginTimeoutSeconds * 1000,
    outbound: new SafeFetch({ allow: parseOutboundAllow(config.outboundAllow), userAgent: 'Parley-SSO/1' }),
  };
}

function rateRules(config: Config): RateLimitRules {
  return {
    auth: { points: config.authAttemptsPerMinute, durationMs: MINUTE_MS },
    membership: { points: config.membershipChangesPerMinute, durationMs: MINUTE_MS },
    directory: { points: config.userSearchesPerMinute, durationMs: MINUTE_MS },
    incomingWebhook: { points: config.incomingWebhookPerMinute, durationMs: MINUTE_MS },
    keyPackages: { points: config.keyPackageClaimsPerMinute, durationMs: MINUTE_MS },
    interaction: { points: config.interactionsPerMinute, durationMs: MINUTE_MS },
    assistant: { points: config.assistantPerMinute, durationMs: MINUTE_MS },
    export: { points: config.exportsPerHour, durationMs: 60 * MINUTE_MS },
  };
}

/**
 * PARLEY_RATE_LIMIT_BACKEND: `auto` counts in PostgreSQL whenever the store is
 * there (several nodes may share it), else in this process.
 */
async function configuredRates(config: Config, logger: Logger): Promise<RateLimiter> {
  const backend =
    config.rateLimitBackend === 'auto' ? (config.db === 'postgres' ? 'postgres' : 'memory') : config.rateLimitBackend;
  if (backend === 'memory' || config.databaseUrl === null) return createMemoryRateLimiter(rateRules(config), logger);
  // Cluster-only adapters are imported when configured: a single node never loads pg or NATS.
  const { createPostgresRateLimiter } = await import('./rate-limit/rate-limiter-postgres');
  return createPostgresRateLimiter({
    databaseUrl: config.databaseUrl,
    schema: config.pgSchema,
    rules: rateRules(config),
    logger,
  });
}

/** NATS when `PARLEY_BUS_URL` is set (a cluster), else the in-process bus of one node. */
async function configuredBus(config: Config, logger: Logger, name: string): Promise<Bus> {
  if (config.busUrl === null) return new LocalBus(logger);
  const { NatsBus } = await import('./bus/bus-nats');
  return new NatsBus({ url: config.busUrl, prefix: config.busPrefix, name: `parley-${name}` }, logger);
}

export interface Admin {
  services: Services;
  close(): Promise<void>;
}

/**
 * Services over the configured store without listening on any port: what
 * `parley user add|list|passwd` use on the server's machine. A running server sees
 * these writes at its next read (the store is shared, not cached).
 */
export async function openAdmin(config: Config): Promise<Admin> {
  // No bus and no relay of its own: a running server's relay publishes what it writes.
  const logger = silentLogger();
  const { store, files, rates, services } = await buildCore(config, logger, systemClock, 'admin', new LocalBus(logger));
  return {
    services,
    close: async () => {
      files.close();
      await rates.stop();
      await store.close();
    },
  };
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const { store, files, bus, presence, rates, services, limits, presendOutbound } = await buildCore(
    config,
    logger,
    clock,
    config.nodeId ?? 'node',
    options.bus,
    options.store,
    metrics,
  );
  const hub = new RealtimeHub(bus, logger);
  await hub.start();
  await presence.start();
  const relay = new EventRelay({ bus, outbox: store, clock, logger }, { ...defaultRelayOptions, ...options.relay });
  relay.start();
  // Durable consumers (ADR 0011): committed entries become jobs, and any node runs the jobs.
  const jobs = new JobRunner(
    { store, clock, logger },
    { pollMs: config.jobPollMs, leaseMs: config.jobLeaseMs, concurrency: 8, maxAttempts: config.jobMaxAttempts },
  );
  jobs.register(services.webhookDelivery);
  jobs.register(services.pushDelivery);
  // A configured VAPID pair that cannot be read stops the start; a stored one is read (or made) once.
  await services.push.keys.get();
  jobs.register(services.linkPreviews);
  jobs.register(services.assistant);
  // The assistant's account exists before the first question can be dispatched.
  await services.assistant.start();
  jobs.register(services.interactions);
  jobs.register(services.conversationPurge);
  jobs.register(services.accountErasure);
  const dispatcher = new EventDispatcher(
    { store, clock, logger },
    {
      pollMs: config.jobPollMs,
      batch: 200,
      retryMs: 1000,
      delayMs: config.dispatchDelayMs,
      maxAttempts: config.dispatchMaxAttempts,
    },
  );
  dispatcher.register(services.webhooks);
  dispatcher.register(services.push);
  dispatcher.register(services.linkPreviews);
  dispatcher.register(services.assistant);
  dispatcher.onDispatched(() => jobs.nudge());
  // An interaction writes its jobs (webhook deliveries, the deadline) itself: run them at once.
  const unlistenInteractions = store.onEventsCommitted((events) => {
    if (events.some((record) => record.event.type === 'interaction.new')) jobs.nudge();
  });
  dispatcher.start();
  jobs.start();
  let busGaps = 0;
  const stopCountingGaps = bus.onGap?.(() => (busGaps += 1));
  registerClusterMetrics(metrics, {
    liveNodes: () => presence.liveNodes.length,
    outboxPending: () => relay.pending,
    relay: () => relay.stats,
    busGaps: () => busGaps,
    dispatched: () => dispatcher.dispatched,
    jobs: () => jobs.stats,
    deadLettered: () => dispatcher.deadLettered + jobs.stats.deadLettered,
  });
  const proxyTrust = compileProxyTrust(parseTrustedProxies(config.trustedProxies));
  const ws = new WsGateway({
    services,
    hub,
    clock,
    logger,
    metrics,
    limits,
    authTimeoutMs: config.authTimeoutMs,
    sendBufferBytes: config.sendBufferBytes,
    slowReaderGraceMs: config.slowReaderGraceMs,
    framesPerSecond: config.framesPerSecond,
    proxyTrust,
  });
  let stopping = false;
  let url = '';
  const app = await buildHttpApp({
    services,
    logger,
    metrics,
    maxBodyBytes: config.maxFrameBytes,
    proxyTrust,
    nodeId: config.nodeId ?? 'node',
    isStopping: () => stopping,
    connectionCount: () => ws.size,
    webDir: config.webDir,
    uploads: files.uploads,
    httpUrl: () => (config.publicUrl ?? url).replace(/\/+$/, ''),
  });
  const xmpp = new XmppGateway({
    services,
    hub,
    clock,
    logger,
    domain: config.xmppDomain,
    limits: { maxStanzaChars: config.xmppMaxStanzaBytes, maxDepth: 32, maxAttributes: 64 },
    stanzasPerSecond: config.xmppStanzasPerSecond,
    resumeMs: config.xmppResumeSeconds * 1000,
    sendBufferBytes: config.sendBufferBytes,
    outboundQueueMax: config.xmppOutboundQueueMax,
    authTimeoutMs: config.authTimeoutMs,
    httpUrl: () => (config.publicUrl ?? url).replace(/\/+$/, ''),
    proxyTrust,
  });
  app.server.on('upgrade', (request, socket, head) => {
    if (!ws.handleUpgrade(request, socket, head) && !xmpp.handleUpgrade(request, socket, head)) socket.destroy();
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // Nothing is served: release what was opened so that the process can exit, then say what to change.
    await app.close();
    await ws.close();
    hub.stop();
    await bus.stop();
    await store.close();
    files.close();
    throw listenError(error, {
      what: 'HTTP and WebSocket',
      setting: 'PARLEY_PORT',
      host: config.host,
      port: config.port,
    });
  }
  const port = (app.server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // XMPP is an extra way in: if its port is taken, the native server still runs.
  let xmppPort: number | null = null;
  if (config.xmppPort >= 0) {
    try {
      const tls = { certFile: config.xmppTlsCert, keyFile: config.xmppTlsKey, dataDir: config.dataDir };
      const secureContext = await loadTlsContext({ ...tls, domain: config.xmppDomain }, logger);
      xmppPort = await xmpp.listen(config.host, config.xmppPort, secureContext);
      logger.info({ xmppPort, domain: config.xmppDomain }, `XMPP listening on port ${xmppPort}`);
    } catch (error) {
      const listener = { what: 'XMPP', setting: 'PARLEY_XMPP_PORT', host: config.host, port: config.xmppPort } as const;
      const problem = listenProblem(error, listener);
      // An explained failure needs no stack trace in the log; anything else (a bad certificate...) keeps it.
      if (problem !== undefined) logger.error({ xmppPort: config.xmppPort }, `XMPP is not available: ${problem}`);
      else
        logger.error(
          { err: error, xmppPort: config.xmppPort },
          `XMPP listener could not start on port ${config.xmppPort}: set PARLEY_XMPP_PORT to a free port (or -1 to disable XMPP)`,
        );
    }
  }
  // Logged last: whoever waits for this line (the CLI, tests) may then rely on everything being up.
  const driver = config.db === 'sqlite' ? { sqliteDriver: sqliteDriver() } : {};
  logger.info({ url, db: config.db, ...driver, dataDir: config.dataDir }, `Parley listening on ${url}`);

  // Expired uploads and unreferenced files (interval 0: never, the operator runs it elsewhere).
  const cleanup = schedulePeriodic(clock, logger, 'file cleanup', config.fileCleanupIntervalSeconds * 1000, () =>
    services.files.cleanup(),
  );
  const callSweep = schedulePeriodic(clock, logger, 'call sweep', config.callSweepMs, () => services.calls.sweep());
  const previewPruning = schedulePeriodic(clock, logger, 'link preview cache pruning', 3_600_000, () =>
    services.linkPreviews.prune(),
  );
  const pruning = schedulePeriodic(clock, logger, 'webhook pruning', 3_600_000, async () => {
    await services.webhooks.prune(config.webhookRetentionDays * DAY_MS);
    await services.interactions.prune();
  });
  // Retention (ADR 0019): every node tries; the lease lets one run at a time. Stopping ends it between batches.
  const retentionMs = config.retentionIntervalSeconds * 1000;
  const retention: NudgedLoop = new NudgedLoop(clock, retentionMs, () =>
    services.retention.run(RETENTION_ACTOR, { shouldStop: () => retention.stopped }).then(
      () => undefined,
      (error: unknown) => logger.error({ err: error }, 'retention run failed'),
    ),
  );
  if (retentionMs > 0) retention.start(retentionMs);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      logger.info({}, 'shutting down');
      cleanup.cancel();
      callSweep.cancel();
      pruning.cancel();
      previewPruning.cancel();
      // A batch under way commits before the store closes.
      await retention.stop();
      // 1012: clients come back after a short random delay instead of all at once.
      const departed = ws.closeAll(CloseCode.serviceRestart, 'server restarting');
      await xmpp.close();
      // In-flight requests finish (their writes commit) before the store closes.
      await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref())]);
      // Every closed connection's last-seen write is stored (in shared commits) before the store closes.
      await departed;
      await ws.close();
      // This node's devices leave their group calls (the others see them go) before the bus closes.
      await services.groupCalls.stop();
      // Events of the last writes reach the bus before it goes (what cannot stays in the outbox).
      await relay.stop();
      // Jobs under way finish and record their outcome; what is left waits in the store for any node.
      unlistenInteractions();
      await dispatcher.stop();
      await jobs.stop();
      // After the sockets: their users were announced offline by this node itself.
      await presence.stop();
      hub.stop();
      stopCountingGaps?.();
      await bus.stop();
      await rates.stop();
      await store.close();
      files.close();
      presendOutbound.close();
      logger.info({}, 'stopped');
    })();
    return stopped;
  };
  return { url, port, xmppPort, config, services, stop };
}

/**
 * Runs `work` every `intervalMs` (0: never), the first time after one interval, one run at a
 * time; a failure is logged and the next run comes anyway.
 */
function schedulePeriodic(
  clock: Clock,
  logger: Logger,
  what: string,
  intervalMs: number,
  work: () => Promise<unknown>,
) {
  const loop = new NudgedLoop(clock, intervalMs, () =>
    work().then(
      () => undefined,
      (error: unknown) => logger.error({ err: error }, `${what} failed`),
    ),
  );
  if (intervalMs > 0) loop.start(intervalMs);
  return { cancel: () => void loop.stop() };
}

/** Runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function runServer(overrides: Partial<Config> = {}): Promise<RunningServer> {
  const config = loadConfig(process.env, overrides);
  const server = await startServer(config);
  const onSignal = (signal: string) => {
    process.stderr.write(`\nReceived ${signal}, shutting down...\n`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  releaseStartupMemory();
  return server;
}
