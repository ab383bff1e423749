/**
 * Create a channel: name, topic, description, public (in the directory) or
 * private (invite only), discussion (everyone posts) or broadcast (admins post),
 * and people to add at once (found as you type).
 */
import type { PostPolicy, Visibility } from '@parley/protocol';
import { useId, useState } from 'react';
import { useController } from '../state/context';
import { FormError } from './form-error';
import { Modal } from './modal';
import { PeoplePicker, usePeoplePicker } from './people-picker';

export function NewChannelDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const [title, setTitle] = useState('');
  const [topic, setTopic] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [postPolicy, setPostPolicy] = useState<PostPolicy>('everyone');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const picker = usePeoplePicker();
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
    if (created !== undefined) {
      if (picker.selected.size > 0) await controller.addMembers(created, [...picker.selected]);
      onClose();
    } else {
      setError('Could not create the channel. Try again.');
      setBusy(false);
    }
  };

  return (
    <Modal title="New channel" onClose={onClose}>
      <form
        id={`${id}-form`}
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
      </form>
      {/* Outside the channel's form: the people search is a form of its own. */}
      <h3 className="section-title">Add people (optional)</h3>
      <PeoplePicker picker={picker} />
      <FormError error={error} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" form={`${id}-form`} className="btn btn-primary" disabled={busy}>
          Create channel{picker.selected.size > 0 ? ` with ${picker.selected.size}` : ''}
        </button>
      </div>
    </Modal>
  );
}
