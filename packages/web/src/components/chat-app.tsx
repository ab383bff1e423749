/**
 * The signed-in app: owns the ChatController for one session (created once, started
 * on mount, closed on unmount), keeps the tab title's unread badge current, shows
 * notifications for hidden tabs, and lays out the sidebar and the chat pane.
 */
import { fileSummary, isolateText } from '@parley/protocol';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { AdminHttpClient } from '@parley/sdk';
import { alertIncoming } from '../lib/attention';
import { plainText } from '../lib/markdown';
import { conversationTitle } from '../lib/names';
import { notifyHidden, titleFor } from '../lib/notify';
import { ControllerContext } from '../state/context';
import { ChatController } from '../state/controller';
import { totalUnread } from '../state/reducers';
import { Router } from '../state/router';
import { createClient, type SavedSession } from '../state/session';
import { useSelector } from '../state/store';
import { CallScreen } from './call-screen';
import { GroupCallScreen } from './group-call-screen';
import { ChatPane } from './chat-pane';
import { ConnectionBanner } from './connection-banner';
import { InviteDialog } from './invite-dialog';
import { ProfileCardProvider } from './profile-card';
import { RouteNotice } from './route-notice';
import { Sidebar } from './sidebar';
import { Toast } from './toast';
import { forgetPushToken } from '../pwa/push-device';

// The administration console is its own chunk: only server admins ever load it.
const AdminConsole = lazy(() => import('./admin/admin-console').then((m) => ({ default: m.AdminConsole })));

const isAdminHash = () => /^#\/admin\/?$/.test(location.hash);

/** The invite code in `/#/invite/<code>`, if the address holds one. */
function inviteFromHash(): string | undefined {
  const match = /^#\/invite\/([^/?#]+)/.exec(location.hash);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

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
          // Plain text: each user-written part isolated (FSI...PDI), so no override reorders the rest.
          const name = sender === undefined ? 'Someone' : isolateText(sender.displayName);
          const title =
            c.conversation.kind !== 'direct'
              ? `${name} in ${isolateText(conversationTitle(c.conversation, state.users, state.me.id))}`
              : sender === undefined
                ? 'New message'
                : name;
          const body = isolateText(plainText(content.type === 'text' ? content.text : fileSummary(content)));
          // A sound (unless off or do-not-disturb), and the desktop notification (unless do-not-disturb).
          alertIncoming(message, state, () =>
            notifyHidden(title, body, message.conversationId, () => controller.open(message.conversationId)),
          );
        },
        onRing: (call, state) => {
          const caller = state.users[call.callerId];
          const name = caller === undefined ? 'Someone' : isolateText(caller.displayName);
          const kind = call.media === 'video' ? 'video call' : 'voice call';
          notifyHidden(`Incoming ${kind}`, `${name} is calling you`, `call-${call.id}`, () =>
            controller.open(call.conversationId),
          );
        },
      }),
  );

  useEffect(() => {
    controller.start();
    // The network is back: reconnect now rather than at the end of the backoff; the
    // browser says it is gone: show it at once rather than after a ping times out.
    const reconnect = () => controller.client.reconnectNow();
    const lost = () => controller.client.networkLost();
    window.addEventListener('online', reconnect);
    window.addEventListener('offline', lost);
    return () => {
      window.removeEventListener('online', reconnect);
      window.removeEventListener('offline', lost);
      controller.stop();
      controller.client.close();
    };
  }, [controller]);

  // The address names the open conversation, thread or message (lib/route.ts).
  const [router] = useState(() => new Router(controller));
  useEffect(() => router.start(), [router]);

  const unread = useSelector(controller.store, (s) => totalUnread(s.conversations));
  useEffect(() => {
    document.title = titleFor(unread);
  }, [unread]);
  useEffect(() => () => void (document.title = titleFor(0)), []);

  // An invite link opened in the browser (`/#/invite/<code>`), now or later.
  const [invite, setInvite] = useState<string | undefined>(inviteFromHash);
  useEffect(() => {
    const onHash = () => setInvite(inviteFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const closeInvite = () => {
    setInvite(undefined);
    if (inviteFromHash() !== undefined) history.replaceState(null, '', location.pathname + location.search);
  };

  // Whether this account is a server admin (GET /v1/server's viewer): the console's entry shows
  // only then; the server refuses its routes to anyone else in any case.
  const [isAdmin, setIsAdmin] = useState(false);
  useEffect(() => {
    let live = true;
    new AdminHttpClient({ baseUrl: window.location.origin, getToken: () => session.token }).serverViewer().then(
      (info) => live && setIsAdmin(info.viewer?.isAdmin === true),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [session.token]);
  const [adminOpen, setAdminOpen] = useState(isAdminHash);
  useEffect(() => {
    const onHash = () => setAdminOpen(isAdminHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const showAdmin = adminOpen && isAdmin;

  const hasActive = useSelector(controller.store, (s) => s.activeId !== null);
  const logout = async () => {
    await controller.client.logout().catch(() => undefined);
    // The server dropped this session's push subscription; the worker's copy of the token goes too.
    await forgetPushToken();
    onSignedOut();
  };

  return (
    <ControllerContext.Provider value={controller}>
      <main className={hasActive ? 'app has-active' : 'app'}>
        <h1 className="visually-hidden">Parley</h1>
        <ProfileCardProvider>
          <ConnectionBanner />
          <RouteNotice router={router} />
          {showAdmin ? (
            <Suspense fallback={<div className="app-loading" role="status" aria-label="Loading administration" />}>
              <AdminConsole token={session.token} onClose={() => (location.hash = '#/')} />
            </Suspense>
          ) : (
            <>
              <Sidebar onLogout={() => void logout()} onInvite={setInvite} isAdmin={isAdmin} />
              <ChatPane />
            </>
          )}
        </ProfileCardProvider>
        <Toast />
        <CallScreen />
        <GroupCallScreen />
        {invite !== undefined && <InviteDialog key={invite} code={invite} onClose={closeInvite} />}
      </main>
    </ControllerContext.Provider>
  );
}
