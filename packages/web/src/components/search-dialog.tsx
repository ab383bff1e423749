/**
 * Search messages across everything I may read: words, optionally in one
 * conversation, from one person (username) and between two dates; results are
 * ranked with the matched words marked, paged with "Show more", and open the
 * message in its conversation.
 */
import type { SearchHit } from '@parley/protocol';
import { useId, useState } from 'react';
import { conversationTitle } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { orderedIds } from '../state/reducers';
import { FormError } from './form-error';
import { MessageCard } from './message-card';
import { Modal } from './modal';

interface Filters {
  query: string;
  conversationId?: string;
  senderId?: string;
  from?: number;
  to?: number;
}

export function SearchDialog({ onClose, conversationId }: { onClose: () => void; conversationId?: string }) {
  const controller = useController();
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const [query, setQuery] = useState('');
  const [inConversation, setInConversation] = useState(conversationId ?? '');
  const [sender, setSender] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [hits, setHits] = useState<SearchHit[] | undefined>();
  const [next, setNext] = useState<{ filters: Filters; cursor: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const run = async () => {
    if (query.trim() === '') return;
    setError(undefined);
    setBusy(true);
    const filters: Filters = { query: query.trim() };
    if (inConversation !== '') filters.conversationId = inConversation;
    if (sender.trim() !== '') {
      const user = await controller.findUser(sender).catch(() => undefined);
      if (user === undefined) {
        setBusy(false);
        return setError(`Nobody is called @${sender.trim().replace(/^@/, '')}.`);
      }
      filters.senderId = user.id;
    }
    if (from !== '') filters.from = new Date(`${from}T00:00:00`).getTime();
    if (to !== '') filters.to = new Date(`${to}T23:59:59.999`).getTime();
    const result = await controller.search(filters);
    setBusy(false);
    setHits(result?.hits ?? []);
    setNext(result?.nextCursor == null ? undefined : { filters, cursor: result.nextCursor });
  };

  const more = async () => {
    if (next === undefined) return;
    setBusy(true);
    const result = await controller.search({ ...next.filters, cursor: next.cursor });
    setBusy(false);
    setHits((list) => [...(list ?? []), ...(result?.hits ?? [])]);
    setNext(result?.nextCursor == null ? undefined : { filters: next.filters, cursor: result.nextCursor });
  };

  const titleOf = (cid: string) => {
    const c = conversations[cid];
    return c === undefined ? '' : conversationTitle(c.conversation, users, me);
  };

  return (
    <Modal title="Search messages" onClose={onClose} wide>
      <form
        className="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label htmlFor={`${id}-q`}>Words to find</label>
        <div className="inline-form">
          <input
            id={`${id}-q`}
            type="search"
            autoComplete="off"
            maxLength={200}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit" className="btn btn-primary" disabled={busy || query.trim() === ''}>
            Search
          </button>
        </div>
        <div className="search-filters">
          <div>
            <label htmlFor={`${id}-in`}>In</label>
            <select id={`${id}-in`} value={inConversation} onChange={(e) => setInConversation(e.target.value)}>
              <option value="">All conversations</option>
              {orderedIds(conversations).map((cid) => (
                <option key={cid} value={cid}>
                  {titleOf(cid)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-from-user`}>From (username)</label>
            <input
              id={`${id}-from-user`}
              autoComplete="off"
              placeholder="anyone"
              value={sender}
              onChange={(e) => setSender(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor={`${id}-after`}>After</label>
            <input id={`${id}-after`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div>
            <label htmlFor={`${id}-before`}>Before</label>
            <input id={`${id}-before`} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
        </div>
      </form>
      <FormError error={error} />
      <div aria-live="polite" className="search-results">
        {hits !== undefined && (
          <p className="panel-note" data-testid="search-count">
            {hits.length === 0 ? 'No messages found.' : `${hits.length}${next === undefined ? '' : '+'} found`}
          </p>
        )}
        {hits !== undefined && hits.length > 0 && (
          <ul className="panel-list" aria-label="Results">
            {hits.map((hit) => (
              <li key={hit.message.id}>
                <MessageCard
                  message={hit.message}
                  highlights={hit.highlights}
                  context={titleOf(hit.message.conversationId)}
                  onOpen={() => {
                    onClose();
                    void controller.jumpTo(
                      hit.message.conversationId,
                      hit.message.id,
                      hit.message.seq,
                      hit.message.threadId,
                    );
                  }}
                />
              </li>
            ))}
          </ul>
        )}
        {next !== undefined && (
          <button type="button" className="btn btn-block" disabled={busy} onClick={() => void more()}>
            Show more results
          </button>
        )}
      </div>
    </Modal>
  );
}
