/**
 * A channel's settings (admins): picture, title, topic, description, public or private,
 * who posts (everyone or admins: broadcast), and slow mode. Only changed fields
 * are sent; each change appears in the conversation as a system line.
 */
import type { PostPolicy, UpdateConversationBody, Visibility } from '@parley/protocol';
import { useId, useState } from 'react';
import { useAppState } from '../state/context';
import { ConversationPicture } from './conversation-picture';
import { Modal } from './modal';
import { useSaveConversation } from './use-save-conversation';

const SLOW: [string, number][] = [
  ['Off', 0],
  ['10 seconds', 10],
  ['30 seconds', 30],
  ['1 minute', 60],
  ['5 minutes', 300],
  ['15 minutes', 900],
  ['1 hour', 3600],
];

export function ChannelSettingsDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const conv = useAppState((s) => s.conversations[conversationId]?.conversation);
  const [title, setTitle] = useState(conv?.title ?? '');
  const [topic, setTopic] = useState(conv?.topic ?? '');
  const [description, setDescription] = useState(conv?.description ?? '');
  const [visibility, setVisibility] = useState<Visibility>(conv?.visibility ?? 'public');
  const [postPolicy, setPostPolicy] = useState<PostPolicy>(conv?.postPolicy ?? 'everyone');
  const [slow, setSlow] = useState(conv?.slowModeSeconds ?? 0);
  const { busy, send } = useSaveConversation(conversationId, onClose);
  const id = useId();
  if (conv === undefined) return null;

  const save = async () => {
    const patch: UpdateConversationBody = {};
    if (title.trim() !== '' && title.trim() !== conv.title) patch.title = title.trim();
    if (topic.trim() !== (conv.topic ?? '')) patch.topic = topic.trim() === '' ? null : topic.trim();
    if (description.trim() !== (conv.description ?? ''))
      patch.description = description.trim() === '' ? null : description.trim();
    if (visibility !== conv.visibility) patch.visibility = visibility;
    if (postPolicy !== conv.postPolicy) patch.postPolicy = postPolicy;
    if (slow !== conv.slowModeSeconds) patch.slowModeSeconds = slow;
    await send(patch);
  };

  return (
    <Modal title="Channel settings" onClose={onClose}>
      <ConversationPicture conversationId={conversationId} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${id}-title`}>Name</label>
        <input id={`${id}-title`} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        <label htmlFor={`${id}-topic`}>Topic</label>
        <input id={`${id}-topic`} maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <fieldset>
          <legend>Who can find it</legend>
          <label className="radio-row">
            <input type="radio" checked={visibility === 'public'} onChange={() => setVisibility('public')} />
            <span>Public: listed in the directory, anyone may join</span>
          </label>
          <label className="radio-row">
            <input type="radio" checked={visibility === 'private'} onChange={() => setVisibility('private')} />
            <span>Private: by invite only</span>
          </label>
        </fieldset>
        <fieldset>
          <legend>Who can post</legend>
          <label className="radio-row">
            <input type="radio" checked={postPolicy === 'everyone'} onChange={() => setPostPolicy('everyone')} />
            <span>Everyone (discussion)</span>
          </label>
          <label className="radio-row">
            <input type="radio" checked={postPolicy === 'admins'} onChange={() => setPostPolicy('admins')} />
            <span>Only admins (broadcast)</span>
          </label>
        </fieldset>
        <label htmlFor={`${id}-slow`}>Slow mode</label>
        <select id={`${id}-slow`} value={slow} onChange={(e) => setSlow(Number(e.target.value))}>
          {SLOW.map(([label, seconds]) => (
            <option key={seconds} value={seconds}>
              {label}
            </option>
          ))}
        </select>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
