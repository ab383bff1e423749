/**
 * "Threads": every thread I started or replied in, across conversations, with its
 * unread replies first; each opens the thread beside its conversation.
 */
import type { ThreadListing } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { conversationTitle } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { MessageCard } from './message-card';
import { Modal } from './modal';

export function ThreadsDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const [threads, setThreads] = useState<ThreadListing[] | undefined>();
  useEffect(() => {
    let live = true;
    void controller.listThreads().then((list) => {
      if (live) setThreads([...list].sort((a, b) => Number(b.unreadCount > 0) - Number(a.unreadCount > 0)));
    });
    return () => {
      live = false;
    };
  }, [controller]);

  const open = (t: ThreadListing) => {
    onClose();
    controller.open(t.root.conversationId);
    controller.openPanel({ kind: 'thread', rootId: t.root.id });
  };

  return (
    <Modal title="Threads" onClose={onClose} wide>
      {threads === undefined && <p className="panel-note">Loading…</p>}
      {threads !== undefined && threads.length === 0 && (
        <p className="panel-note">No threads yet. Use “Reply in thread” on a message to start one.</p>
      )}
      {threads !== undefined && threads.length > 0 && (
        <ul className="panel-list" aria-label="Your threads">
          {threads.map((t) => {
            const c = conversations[t.root.conversationId];
            const where = c === undefined ? '' : conversationTitle(c.conversation, users, me);
            const count = t.root.thread?.replyCount ?? 0;
            return (
              <li key={t.root.id} data-testid="thread-listing">
                <MessageCard message={t.root} context={where} onOpen={() => open(t)}>
                  <span className="thread-listing-meta">
                    {count === 1 ? '1 reply' : `${count} replies`}
                    {t.unreadCount > 0 && <span className="unread-badge">{t.unreadCount} new</span>}
                  </span>
                </MessageCard>
              </li>
            );
          })}
        </ul>
      )}
    </Modal>
  );
}
