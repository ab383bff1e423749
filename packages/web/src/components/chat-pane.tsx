/**
 * The right column: the open conversation (header, messages, typing line,
 * composer) with its side pane (thread, pins, members, details, reports), or a
 * friendly empty state when none is open.
 */
import { useState, type DragEvent } from 'react';
import { useAppState, useController } from '../state/context';
import { ChatHeader } from './chat-header';
import { Composer } from './composer';
import { ChatIcon } from './icons';
import { MessageList } from './message-list';
import { PinnedBar } from './pinned-bar';
import { SidePanel } from './side-panel';
import { TypingLine } from './typing-line';
import { UploadList } from './upload-list';

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

export function ChatPane() {
  const controller = useController();
  const [dropping, setDropping] = useState(false);
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
  // Files dropped anywhere on the open conversation join its composer's tray.
  const onDrop = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDropping(false);
    controller.trays.add(activeId, undefined, [...event.dataTransfer.files]);
  };
  return (
    <section
      className={['chat', hasPanel ? 'has-panel' : '', dropping ? 'dropping' : ''].filter(Boolean).join(' ')}
      aria-label="Chat"
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDropping(false);
      }}
      onDrop={onDrop}
    >
      <ChatHeader id={activeId} />
      <PinnedBar key={`pins-${activeId}`} conversationId={activeId} />
      <div className="chat-body">
        <div className="chat-main">
          <MessageList key={activeId} id={activeId} />
          <TypingLine id={activeId} />
          <UploadList id={activeId} />
          <Composer key={`composer-${activeId}`} id={activeId} />
        </div>
        <SidePanel key={`panel-${activeId}`} conversationId={activeId} />
      </div>
    </section>
  );
}
