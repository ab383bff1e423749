/**
 * Create a channel: name, topic, description, public (in the directory) or
 * private (invite only), discussion (everyone posts) or broadcast (admins post).
 */
import type { PostPolicy, Visibility } from '@parley/protocol';
import { useId, useState } from 'react';
import { useController } from '../state/context';
import { Modal } from './modal';

export function NewChannelDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const [title, setTitle] = useState('');
  const [topic, setTopic] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [postPolicy, setPostPolicy] = useState<PostPolicy>('everyone');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const create = async () => {
    if (title.trim() === '') return setError('Give the channel a name.');
    setBusy(true);
    const created = await controller.createChannel({
      title: title.trim(),
      visibility,
      postPolicy,
      ...(topic.trim() === '' ? {} : { topic: topic.trim() }),
      ...(description.trim() === '' ? {} : { description: description.trim() }),
    });
    if (created !== undefined) onClose();
    else {
      setError('Could not create the channel. Try again.');
      setBusy(false);
    }
  };

  return (
    <Modal title="New channel" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label htmlFor={`${id}-title`}>Channel name</label>
        <input id={`${id}-title`} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        <label htmlFor={`${id}-topic`}>Topic (optional)</label>
        <input id={`${id}-topic`} maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
        <label htmlFor={`${id}-description`}>Description (optional)</label>
        <textarea
          id={`${id}-description`}
          rows={2}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <fieldset>
          <legend>Visibility</legend>
          <label className="radio-row">
            <input
              type="radio"
              name={`${id}-vis`}
              checked={visibility === 'public'}
              onChange={() => setVisibility('public')}
            />
            <span>
              Public<span className="radio-hint">Listed in the directory; anyone may join</span>
            </span>
          </label>
          <label className="radio-row">
            <input
              type="radio"
              name={`${id}-vis`}
              checked={visibility === 'private'}
              onChange={() => setVisibility('private')}
            />
            <span>
              Private<span className="radio-hint">Only people with an invite link</span>
            </span>
          </label>
        </fieldset>
        <fieldset>
          <legend>Kind</legend>
          <label className="radio-row">
            <input
              type="radio"
              name={`${id}-kind`}
              checked={postPolicy === 'everyone'}
              onChange={() => setPostPolicy('everyone')}
            />
            <span>
              Discussion<span className="radio-hint">Every member posts</span>
            </span>
          </label>
          <label className="radio-row">
            <input
              type="radio"
              name={`${id}-kind`}
              checked={postPolicy === 'admins'}
              onChange={() => setPostPolicy('admins')}
            />
            <span>
              Broadcast<span className="radio-hint">Only admins post; everyone reads and reacts</span>
            </span>
          </label>
        </fieldset>
        {error !== undefined && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create channel
          </button>
        </div>
      </form>
    </Modal>
  );
}
