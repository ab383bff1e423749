/**
 * The right column: the open conversation (header, messages, typing line,
 * composer) with its side pane (thread, pins, members, details, reports), or a
 * friendly empty state when none is open.
 */
import { useAppState } from '../state/context';
import { ChatHeader } from './chat-header';
import { Composer } from './composer';
import { ChatIcon } from './icons';
import { MessageList } from './message-list';
import { SidePanel } from './side-panel';
import { TypingLine } from './typing-line';

export function ChatPane() {
  const activeId = useAppState((s) => s.activeId);
  const exists = useAppState((s) => s.activeId !== null && s.conversations[s.activeId] !== undefined);
  const hasPanel = useAppState((s) => s.panel !== null);
  if (activeId === null || !exists) {
    return (
      <section className="chat chat-empty" aria-label="Chat">
        <ChatIcon />
        <h2>Your messages</h2>
        <p>Pick a conversation on the left, or start a new one.</p>
      </section>
    );
  }
  return (
    <section className={hasPanel ? 'chat has-panel' : 'chat'} aria-label="Chat">
      <ChatHeader id={activeId} />
      <div className="chat-body">
        <div className="chat-main">
          <MessageList key={activeId} id={activeId} />
          <TypingLine id={activeId} />
          <Composer key={`composer-${activeId}`} id={activeId} />
        </div>
        <SidePanel key={`panel-${activeId}`} conversationId={activeId} />
      </div>
    </section>
  );
}
