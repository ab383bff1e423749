/**
 * The signed-in app: owns the ChatController for one session (created once, started
 * on mount, closed on unmount), keeps the tab title's unread badge current, shows
 * notifications for hidden tabs, and lays out the sidebar and the chat pane.
 */
import { fileSummary } from '@parley/protocol';
import { useEffect, useRef, useState } from 'react';
import { conversationTitle } from '../lib/names';
import { notifyHidden, titleFor } from '../lib/notify';
import { ControllerContext } from '../state/context';
import { ChatController } from '../state/controller';
import { totalUnread } from '../state/reducers';
import { createClient, type SavedSession } from '../state/session';
import { useSelector } from '../state/store';
import { ChatPane } from './chat-pane';
import { ConnectionBanner } from './connection-banner';
import { Sidebar } from './sidebar';

export function ChatApp({ session, onSignedOut }: { session: SavedSession; onSignedOut: (reason?: string) => void }) {
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;
  const [controller] = useState(
    () =>
      new ChatController(createClient(session.token), session.user, {
        onSignedOut: (reason) => signedOut.current(reason),
        onIncoming: (message, state) => {
          const c = state.conversations[message.conversationId];
          const content = message.content;
          if (c === undefined || (content.type !== 'text' && content.type !== 'file')) return;
          const sender = state.users[message.senderId];
          const title =
            c.conversation.kind === 'group'
              ? `${sender?.displayName ?? 'Someone'} in ${conversationTitle(c.conversation, state.users, state.me.id)}`
              : (sender?.displayName ?? 'New message');
          const body = content.type === 'text' ? content.text : fileSummary(content);
          notifyHidden(title, body, message.conversationId, () => controller.open(message.conversationId));
        },
      }),
  );

  useEffect(() => {
    controller.start();
    // The network is back: reconnect now rather than at the end of the backoff.
    const reconnect = () => controller.client.reconnectNow();
    window.addEventListener('online', reconnect);
    return () => {
      window.removeEventListener('online', reconnect);
      controller.stop();
      controller.client.close();
    };
  }, [controller]);

  const unread = useSelector(controller.store, (s) => totalUnread(s.conversations));
  useEffect(() => {
    document.title = titleFor(unread);
  }, [unread]);
  useEffect(() => () => void (document.title = titleFor(0)), []);

  const hasActive = useSelector(controller.store, (s) => s.activeId !== null);
  const logout = async () => {
    await controller.client.logout().catch(() => undefined);
    onSignedOut();
  };

  return (
    <ControllerContext.Provider value={controller}>
      <main className={hasActive ? 'app has-active' : 'app'}>
        <h1 className="visually-hidden">Parley</h1>
        <ConnectionBanner />
        <Sidebar onLogout={() => void logout()} />
        <ChatPane />
      </main>
    </ControllerContext.Provider>
  );
}
