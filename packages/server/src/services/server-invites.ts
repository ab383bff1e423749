/**
 * Server invites (ADR 0025): while registration is `invite`, self sign-up needs a
 * code an admin made. A code is 22 random letters and digits (newInviteCode, about
 * 131 bits), shown once to the admin; only its SHA-256 is stored, so a leaked
 * database hands out no usable code. A use is counted atomically before the account
 * is created and given back if the creation fails (a taken username must not spend
 * a single-use invite). Making and revoking are admin operations (services/admin-console.ts):
 * this module does not authorize.
 */
import type { CreateServerInviteBody, ServerInvite } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { recordAudit, type AuditActor } from './audit';
import type { ServiceDeps } from './deps';
import { newInviteCode } from './moderation';
import { hashToken } from './tokens';

/** Most invites one listing returns (newest first). */
export const SERVER_INVITES_PAGE = 200;

export class ServerInviteService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Makes an invite; the code is in the answer only. Audited (`server_invite.created`, never the code). */
  async create(actor: AuditActor, body: CreateServerInviteBody): Promise<{ invite: ServerInvite; code: string }> {
    const now = this.deps.clock.now();
    const code = newInviteCode();
    const invite = await this.deps.store.transaction(async (tx) => {
      const made = await tx.createServerInvite({
        id: newId('si', now),
        codeHash: hashToken(code),
        createdBy: actor.id,
        createdAt: now,
        expiresAt: body.expiresInSeconds === undefined ? null : now + body.expiresInSeconds * 1000,
        maxUses: body.maxUses ?? null,
        note: body.note?.trim() ?? '',
      });
      await recordAudit(tx, actor, now, 'server_invite.created', made.id, {
        maxUses: made.maxUses,
        expiresAt: made.expiresAt,
        note: made.note,
      });
      return made;
    });
    return { invite, code };
  }

  list(): Promise<ServerInvite[]> {
    return this.deps.store.listServerInvites(SERVER_INVITES_PAGE);
  }

  /** Revokes: refused at every later sign-up. Idempotent; audited once. */
  async revoke(actor: AuditActor, id: string): Promise<ServerInvite> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const revoked = await tx.revokeServerInvite(id, now);
      if (!revoked) throw new AppError('not_found', 'No such server invite.');
      if (revoked.changed) await recordAudit(tx, actor, now, 'server_invite.revoked', id);
      return revoked.invite;
    });
  }

  /**
   * Runs `create` (the sign-up) with one use of the invite counted; gives the use back
   * when `create` fails. Returns what `create` returned and the invite's id.
   * @throws AppError('invite_required' | 'invite_invalid')
   */
  async signUpWith<T>(code: string | undefined, create: () => Promise<T>): Promise<{ result: T; inviteId: string }> {
    if (code === undefined || code.trim() === '') {
      throw new AppError('invite_required', 'Sign-up on this server needs an invite code from an administrator.');
    }
    const used = await this.deps.store.useServerInvite(hashToken(code.trim()), this.deps.clock.now());
    if (!used.ok) {
      throw new AppError('invite_invalid', `This invite cannot be used (${used.reason.replace('_', ' ')}).`, {
        details: { reason: used.reason },
      });
    }
    try {
      return { result: await create(), inviteId: used.invite.id };
    } catch (error) {
      await this.deps.store.releaseServerInvite(used.invite.id);
      throw error;
    }
  }
}
