/**
 * The open conversation's details: topic, description, kind and rules (who posts,
 * slow mode), my notification level, "mark as unread", and for admins the
 * settings and invite links; moderators reach the reports; everyone may leave a
 * group or channel, and block (or unblock) the other person of a direct conversation,
 * whose profile heads the panel. Admins edit a group's name and description and add
 * people to groups and channels. Its media and files are listed in a gallery.
 */
import { balanceBidi, type NotifyLevel } from '@parley/protocol';
import { useId, useState } from 'react';
import { formatDuration } from '../lib/format-time';
import { peerId, userName } from '../lib/names';
import { can } from '../lib/permissions';
import { useAppState, useController } from '../state/context';
import { AddMembersDialog } from './add-members-dialog';
import { BlockDialog } from './block-dialog';
import { ChannelSettingsDialog } from './channel-settings-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { GroupEditDialog } from './group-edit-dialog';
import { InvitesDialog } from './invites-dialog';
import { MediaGallery } from './media-gallery';
import { PersonSummary } from './profile-card';
import { UserText } from './user-text';

const LEVELS: [NotifyLevel, string, string][] = [
  ['all', 'All messages', 'Notify and count every new message'],
  ['mentions', 'Mentions only', 'Notify only when someone mentions you'],
  ['muted', 'Muted', 'No notifications; not counted in the title'],
];

export function InfoPanel({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[conversationId]);
  const reports = useAppState((s) => s.openReports[conversationId] ?? 0);
  const me = useAppState((s) => s.me.id);
  const peer = c === undefined || c.conversation.kind !== 'direct' ? undefined : peerId(c.conversation, me);
  const peerName = useAppState((s) => (peer === undefined ? '' : userName(s.users, peer)));
  const peerBlocked = useAppState((s) => peer !== undefined && s.blocked.includes(peer));
  const [dialog, setDialog] = useState<
    'settings' | 'invites' | 'leave' | 'block' | 'group' | 'add' | 'archive' | 'delete' | null
  >(null);
  const id = useId();
  if (c === undefined) return null;
  const conv = c.conversation;
  const seat = { kind: conv.kind, postPolicy: conv.postPolicy, role: c.role, archived: conv.archivedAt !== undefined };
  const channel = conv.kind === 'channel';
  return (
    <div className="panel-body">
      {peer !== undefined && <PersonSummary userId={peer} />}
      {conv.kind === 'group' && conv.description !== null && (
        <p className="info-description" dir="auto">
          {balanceBidi(conv.description)}
        </p>
      )}
      {channel && (
        <dl className="info-list">
          <dt>Topic</dt>
          <dd data-testid="info-topic">{conv.topic === null ? 'No topic' : <UserText text={conv.topic} />}</dd>
          {conv.description !== null && (
            <>
              <dt>Description</dt>
              <dd className="info-description" dir="auto">
                {balanceBidi(conv.description)}
              </dd>
            </>
          )}
          <dt>Kind</dt>
          <dd>
            {conv.visibility === 'public' ? 'Public' : 'Private'}{' '}
            {conv.postPolicy === 'admins' ? 'broadcast channel (admins post)' : 'discussion channel'}
          </dd>
          {conv.slowModeSeconds > 0 && (
            <>
              <dt>Slow mode</dt>
              <dd>One message every {formatDuration(conv.slowModeSeconds * 1000)}</dd>
            </>
          )}
          <dt>Your role</dt>
          <dd>{c.role ?? 'member'}</dd>
        </dl>
      )}
      <fieldset className="notify-levels">
        <legend>Notifications</legend>
        {LEVELS.map(([level, label, hint]) => (
          <label key={level} className="radio-row">
            <input
              type="radio"
              name={`${id}-notify`}
              value={level}
              checked={c.notifyLevel === level}
              onChange={() => void controller.setNotifyLevel(conversationId, level)}
            />
            <span>
              {label}
              <span className="radio-hint">{hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <MediaGallery conversationId={conversationId} />
      <div className="panel-actions">
        <button type="button" className="btn" onClick={() => void controller.markUnread(conversationId)}>
          Mark as unread
        </button>
        <button type="button" className="btn" onClick={() => controller.openPanel({ kind: 'pins' })}>
          Pinned messages
        </button>
        {conv.kind !== 'direct' && (
          <button type="button" className="btn" onClick={() => controller.openPanel({ kind: 'members' })}>
            Members ({conv.memberCount})
          </button>
        )}
        {can('viewReports', seat) && (
          <button type="button" className="btn" onClick={() => controller.openPanel({ kind: 'reports' })}>
            Reports{reports > 0 ? ` (${reports})` : ''}
          </button>
        )}
        {conv.kind === 'group' && can('editSettings', seat) && (
          <button type="button" className="btn" onClick={() => setDialog('group')}>
            Edit group
          </button>
        )}
        {conv.kind !== 'direct' && can('addMembers', seat) && (
          <button type="button" className="btn" onClick={() => setDialog('add')}>
            Add people
          </button>
        )}
        {channel && can('editSettings', seat) && (
          <button type="button" className="btn" onClick={() => setDialog('settings')}>
            Channel settings
          </button>
        )}
        {channel && can('manageInvites', seat) && (
          <button type="button" className="btn" onClick={() => setDialog('invites')}>
            Invite links
          </button>
        )}
        {conv.kind !== 'direct' && conv.archivedAt === undefined && can('archive', seat) && (
          <button type="button" className="btn" onClick={() => setDialog('archive')}>
            Archive
          </button>
        )}
        {conv.kind !== 'direct' && conv.archivedAt !== undefined && can('unarchive', seat) && (
          <button type="button" className="btn" onClick={() => void controller.unarchive(conversationId)}>
            Unarchive
          </button>
        )}
        {conv.kind !== 'direct' && (
          <button type="button" className="btn btn-danger" onClick={() => setDialog('leave')}>
            Leave
          </button>
        )}
        {conv.kind !== 'direct' && can('delete', seat) && (
          <button type="button" className="btn btn-danger" onClick={() => setDialog('delete')}>
            Delete {channel ? 'channel' : 'group'}
          </button>
        )}
        {peer !== undefined &&
          (peerBlocked ? (
            <button type="button" className="btn" onClick={() => void controller.unblock(peer)}>
              Unblock {peerName}
            </button>
          ) : (
            <button type="button" className="btn btn-danger" onClick={() => setDialog('block')}>
              Block {peerName}
            </button>
          ))}
      </div>
      {dialog === 'settings' && (
        <ChannelSettingsDialog conversationId={conversationId} onClose={() => setDialog(null)} />
      )}
      {dialog === 'group' && <GroupEditDialog conversationId={conversationId} onClose={() => setDialog(null)} />}
      {dialog === 'add' && <AddMembersDialog conversationId={conversationId} onClose={() => setDialog(null)} />}
      {dialog === 'invites' && <InvitesDialog conversationId={conversationId} onClose={() => setDialog(null)} />}
      {dialog === 'block' && peer !== undefined && (
        <BlockDialog userId={peer} name={peerName} onClose={() => setDialog(null)} />
      )}
      {dialog === 'archive' && (
        <ConfirmDialog
          title={`Archive ${channel ? 'channel' : 'group'}?`}
          confirm="Archive"
          onConfirm={() => {
            setDialog(null);
            void controller.archive(conversationId);
          }}
          onClose={() => setDialog(null)}
        >
          <p>
            It becomes read-only for everyone: nobody can post, react, edit or join until its owner unarchives it.
            Members can still read and search it, under “Archived” in their list.
          </p>
        </ConfirmDialog>
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete “${conv.title ?? 'this conversation'}” for everyone?`}
          confirm="Delete for everyone"
          danger
          onConfirm={() => {
            setDialog(null);
            void controller.deleteConversation(conversationId);
          }}
          onClose={() => setDialog(null)}
        >
          <p data-testid="delete-consequences">
            This cannot be undone. It disappears for all {conv.memberCount} members, with everything in it: every
            message and thread, edits, reactions, pins, read receipts, and the files shared only here.
          </p>
          <p>To keep it readable but stop all activity, archive it instead.</p>
        </ConfirmDialog>
      )}
      {dialog === 'leave' && (
        <ConfirmDialog
          title="Leave conversation?"
          confirm="Leave"
          danger
          onConfirm={() => {
            setDialog(null);
            void controller.leave(conversationId);
          }}
          onClose={() => setDialog(null)}
        >
          <p>
            You will stop receiving its messages.
            {conv.visibility === 'private' ? ' You need an invite to come back.' : ''}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
