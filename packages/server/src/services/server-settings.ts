/**
 * Settings an admin changes at run time (registration policy, 2FA required for
 * admins): stored in the store (server_settings), so every node of a cluster
 * applies the same ones; the configuration gives the values until an admin sets
 * one. Decisions that matter (a sign-up, an admin call) read the store; the XMPP
 * stream features, which must be written synchronously, use the last value read,
 * refreshed in the background at most every REFRESH_MS.
 */
import type { ServerSettings } from '@parley/protocol';
import type { ServiceDeps } from './deps';

const REFRESH_MS = 10_000;

export class ServerSettingsService {
  private cached: ServerSettings;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private refreshing = false;

  constructor(private readonly deps: ServiceDeps) {
    this.cached = this.defaults();
  }

  private defaults(): ServerSettings {
    return {
      registration: this.deps.limits.registration,
      requireAdminTwoFactor: this.deps.limits.adminTwoFactorRequired,
    };
  }

  /** The settings as stored now (configuration defaults for keys never set). */
  async current(): Promise<ServerSettings> {
    const stored = await this.deps.store.getServerSettings();
    const settings = this.defaults();
    const registration = stored.get('registration');
    if (registration === 'open' || registration === 'invite' || registration === 'closed') {
      settings.registration = registration;
    }
    const require2fa = stored.get('requireAdminTwoFactor');
    if (typeof require2fa === 'boolean') settings.requireAdminTwoFactor = require2fa;
    this.cached = settings;
    this.loadedAt = this.deps.clock.now();
    return settings;
  }

  /** The last settings read, refreshed in the background when older than REFRESH_MS. */
  get cachedSettings(): ServerSettings {
    if (!this.refreshing && this.deps.clock.now() - this.loadedAt >= REFRESH_MS) {
      this.refreshing = true;
      this.current()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'reading the server settings failed'))
        .finally(() => (this.refreshing = false));
    }
    return this.cached;
  }
}
