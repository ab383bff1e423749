/**
 * Manage one member (what my role allows over theirs): change the role (owners),
 * mute for a while or unmute, remove from the conversation, or ban (for a while
 * or until lifted, with a reason).
 */
import type { Member, Role } from '@parley/protocol';
import { useId, useState } from 'react';
import { userName } from '../lib/names';
import { can } from '../lib/permissions';
import { useAppState, useController } from '../state/context';
import { Modal } from './modal';
import { UserText } from './user-text';

const DURATIONS: [label: string, seconds: number | undefined][] = [
  ['10 minutes', 600],
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['1 week', 604_800],
];
const ROLES: Role[] = ['admin', 'moderator', 'member', 'readonly'];

export function MemberDialog({
  conversationId,
  member,
  onClose,
}: {
  conversationId: string;
  member: Member;
  onClose: (changed: boolean) => void;
}) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[conversationId]);
  const name = useAppState((s) => userName(s.users, member.userId));
  const [role, setRole] = useState<Role>(member.role);
  const [duration, setDuration] = useState('3600');
  const [banFor, setBanFor] = useState('');
  const [reason, setReason] = useState('');
  const id = useId();
  if (c === undefined) return null;
  const seat = {
    kind: c.conversation.kind,
    postPolicy: c.conversation.postPolicy,
    role: c.role,
    archived: c.conversation.archivedAt !== undefined,
  };
  const muted = member.mutedUntil !== null && member.mutedUntil > Date.now();
  const run = async (work: Promise<boolean>) => {
    if (await work) onClose(true);
  };
  return (
    <Modal
      title={
        <>
          Manage <UserText text={name} />
        </>
      }
      onClose={() => onClose(false)}
    >
      {can('setRole', seat, member.role) && (
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void run(controller.changeRole(conversationId, member.userId, role));
          }}
        >
          <label htmlFor={`${id}-role`}>Role</label>
          <div className="inline-form">
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="submit" className="btn" disabled={role === member.role}>
              Change role
            </button>
          </div>
        </form>
      )}
      {can('mute', seat, member.role) &&
        (muted ? (
          <div className="form-row">
            <p>Muted until {new Date(member.mutedUntil ?? 0).toLocaleString()}.</p>
            <button
              type="button"
              className="btn"
              onClick={() => void run(controller.unmute(conversationId, member.userId))}
            >
              Unmute
            </button>
          </div>
        ) : (
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              void run(controller.mute(conversationId, member.userId, Number(duration)));
            }}
          >
            <label htmlFor={`${id}-mute`}>Mute for</label>
            <div className="inline-form">
              <select id={`${id}-mute`} value={duration} onChange={(e) => setDuration(e.target.value)}>
                {DURATIONS.map(([label, seconds]) => (
                  <option key={label} value={String(seconds)}>
                    {label}
                  </option>
                ))}
              </select>
              <button type="submit" className="btn">
                Mute
              </button>
            </div>
          </form>
        ))}
      {can('ban', seat, member.role) && (
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              controller.ban(conversationId, member.userId, banFor === '' ? undefined : Number(banFor), reason.trim()),
            );
          }}
        >
          <label htmlFor={`${id}-ban`}>Ban for</label>
          <select id={`${id}-ban`} value={banFor} onChange={(e) => setBanFor(e.target.value)}>
            <option value="">Until lifted</option>
            {DURATIONS.map(([label, seconds]) => (
              <option key={label} value={String(seconds)}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-reason`}>Reason (optional)</label>
          <input id={`${id}-reason`} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          <div className="modal-actions">
            {can('kick', seat, member.role) && (
              <button
                type="button"
                className="btn"
                onClick={() => void run(controller.kick(conversationId, member.userId))}
              >
                Remove from conversation
              </button>
            )}
            <button type="submit" className="btn btn-danger">
              Ban
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
