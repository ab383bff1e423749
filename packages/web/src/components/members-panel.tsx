/**
 * The members of the open conversation, a page at a time (channels may have
 * thousands), with their roles; moderators and admins manage a member from here
 * (role, mute, kick, ban), and see and lift bans. Anyone may block (or unblock)
 * another member from here.
 */
import type { Ban, Member } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { userName } from '../lib/names';
import { can } from '../lib/permissions';
import { useAppState, useController } from '../state/context';
import { lastSeqWhere } from '../state/reducers';
import { Avatar } from './avatar';
import { BlockDialog } from './block-dialog';
import { MemberDialog } from './member-dialog';
import { PersonButton } from './profile-card';
import { UserText } from './user-text';

export function MembersPanel({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[conversationId]);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const blocked = useAppState((s) => s.blocked);
  const [blocking, setBlocking] = useState<string | undefined>();
  const [members, setMembers] = useState<Member[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [managing, setManaging] = useState<Member | undefined>();
  const [bans, setBans] = useState<Ban[]>([]);
  const seat =
    c === undefined
      ? undefined
      : {
          kind: c.conversation.kind,
          postPolicy: c.conversation.postPolicy,
          role: c.role,
          archived: c.conversation.archivedAt !== undefined,
        };
  const moderator = seat !== undefined && can('ban', seat);

  const load = useCallback(
    async (from?: string) => {
      const page = await controller.members(conversationId, from);
      setMembers((list) => (from === undefined ? page.members : [...list, ...page.members]));
      setCursor(page.nextCursor);
    },
    [controller, conversationId],
  );
  const loadBans = useCallback(async () => {
    if (moderator) setBans(await controller.bans(conversationId));
  }, [controller, conversationId, moderator]);

  // Membership changes are system lines: reload when one arrives.
  const lastSeq = useAppState((s) => lastSeqWhere(s.conversations[conversationId], (m) => m.content.type === 'system'));
  useEffect(() => {
    void load();
    void loadBans();
  }, [load, loadBans, lastSeq]);

  if (c === undefined || seat === undefined) return null;
  return (
    <div className="panel-body">
      <p className="panel-note">
        {c.conversation.memberCount === 1 ? '1 member' : `${c.conversation.memberCount} members`}
      </p>
      <ul className="panel-list" aria-label="Members">
        {members.map((m) => {
          const name = m.userId === me ? `${userName(users, m.userId)} (you)` : userName(users, m.userId);
          const manageable =
            m.userId !== me && (can('kick', seat, m.role) || can('mute', seat, m.role) || can('setRole', seat, m.role));
          const muted = m.mutedUntil !== null && m.mutedUntil > Date.now();
          return (
            <li key={m.userId} className="member-row" data-testid="member">
              <Avatar id={m.userId} name={userName(users, m.userId)} url={users[m.userId]?.avatarUrl} size="sm" />
              <span className="member-name">
                <PersonButton userId={m.userId}>
                  <UserText text={name} />
                </PersonButton>
                <span className="member-username">@{users[m.userId]?.username ?? ''}</span>
              </span>
              {muted && <span className="role-badge muted">muted</span>}
              {m.role !== 'member' && <span className={`role-badge role-${m.role}`}>{m.role}</span>}
              {blocked.includes(m.userId) && <span className="role-badge muted">blocked</span>}
              {manageable && (
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Manage ${name}`}
                  onClick={() => setManaging(m)}
                >
                  Manage
                </button>
              )}
              {m.userId !== me &&
                (blocked.includes(m.userId) ? (
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Unblock ${name}`}
                    onClick={() => void controller.unblock(m.userId)}
                  >
                    Unblock
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Block ${name}`}
                    onClick={() => setBlocking(m.userId)}
                  >
                    Block
                  </button>
                ))}
            </li>
          );
        })}
      </ul>
      {cursor !== null && cursor !== undefined && (
        <button type="button" className="btn btn-block" onClick={() => void load(cursor)}>
          Show more members
        </button>
      )}
      {moderator && bans.length > 0 && (
        <>
          <h3 className="section-title">Banned</h3>
          <ul className="panel-list" aria-label="Banned">
            {bans.map((b) => (
              <li key={b.userId} className="member-row">
                <Avatar id={b.userId} name={userName(users, b.userId)} url={users[b.userId]?.avatarUrl} size="sm" />
                <span className="member-name">
                  <UserText text={userName(users, b.userId)} />
                  <span className="member-username">
                    {b.expiresAt === null ? 'until lifted' : `until ${new Date(b.expiresAt).toLocaleString()}`}
                    {b.reason !== null && (
                      <>
                        {' · '}
                        <UserText text={b.reason} />
                      </>
                    )}
                  </span>
                </span>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => void controller.unban(conversationId, b.userId).then(() => loadBans())}
                >
                  Lift ban
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {blocking !== undefined && (
        <BlockDialog userId={blocking} name={userName(users, blocking)} onClose={() => setBlocking(undefined)} />
      )}
      {managing !== undefined && (
        <MemberDialog
          conversationId={conversationId}
          member={managing}
          onClose={(changed) => {
            setManaging(undefined);
            if (changed) {
              void load();
              void loadBans();
            }
          }}
        />
      )}
    </div>
  );
}
