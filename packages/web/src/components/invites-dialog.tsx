/**
 * A channel's invite links (admins): create one (expiry, maximum uses), copy its
 * link, see how often it was used, revoke it.
 */
import type { Invite } from '@parley/protocol';
import { useCallback, useEffect, useId, useState } from 'react';
import { copyText } from '../lib/clipboard';
import { useController } from '../state/context';
import { Modal } from './modal';

const EXPIRY: [string, number | undefined][] = [
  ['Never', undefined],
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['7 days', 604_800],
  ['30 days', 2_592_000],
];

export function inviteLink(code: string): string {
  return `${location.origin}/#/invite/${encodeURIComponent(code)}`;
}

export function InvitesDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const controller = useController();
  const [invites, setInvites] = useState<Invite[]>([]);
  const [expiry, setExpiry] = useState('');
  const [maxUses, setMaxUses] = useState('');
  const [copied, setCopied] = useState<string | undefined>();
  const id = useId();
  const load = useCallback(
    async () => setInvites(await controller.invites(conversationId)),
    [controller, conversationId],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const create = async () => {
    const invite = await controller.createInvite(
      conversationId,
      expiry === '' ? undefined : Number(expiry),
      maxUses === '' ? undefined : Number(maxUses),
    );
    if (invite !== undefined) await load();
  };
  const copy = (code: string) => {
    void copyText(inviteLink(code)).then((done) => setCopied(done ? code : 'failed'));
  };
  const live = invites.filter((i) => !i.revoked);

  return (
    <Modal title="Invite links" onClose={onClose} wide>
      <form
        className="invite-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <div>
          <label htmlFor={`${id}-expiry`}>Expires after</label>
          <select id={`${id}-expiry`} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY.map(([label, seconds]) => (
              <option key={label} value={seconds === undefined ? '' : String(seconds)}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-uses`}>Maximum uses</label>
          <input
            id={`${id}-uses`}
            type="number"
            min={1}
            max={100000}
            placeholder="No limit"
            value={maxUses}
            onChange={(e) => setMaxUses(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary">
          Create link
        </button>
      </form>
      <p className="panel-note copy-status" role="status" data-testid="copy-status">
        {copied === undefined
          ? ''
          : copied === 'failed'
            ? 'Could not copy the link: select it above and copy it.'
            : 'Link copied to the clipboard.'}
      </p>
      {live.length === 0 ? (
        <p className="panel-note">No active invite links.</p>
      ) : (
        <ul className="panel-list" aria-label="Invite links">
          {live.map((invite) => (
            <li key={invite.code} className="invite-row" data-testid="invite">
              <code className="invite-link">{inviteLink(invite.code)}</code>
              <span className="invite-meta">
                {invite.uses} {invite.maxUses === null ? 'uses' : `of ${invite.maxUses} uses`}
                {invite.expiresAt === null ? '' : ` · expires ${new Date(invite.expiresAt).toLocaleString()}`}
              </span>
              <span className="invite-actions">
                <button type="button" className="btn btn-small" onClick={() => copy(invite.code)}>
                  {copied === invite.code ? 'Copied' : 'Copy link'}
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() => void controller.revokeInvite(conversationId, invite.code).then(() => load())}
                >
                  Revoke
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
