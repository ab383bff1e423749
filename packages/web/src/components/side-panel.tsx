/**
 * The pane beside the chat (over it on a phone): a thread, the pinned messages,
 * the members, the conversation's info and settings, or the reports. Escape or
 * the close button closes it.
 */
import type { KeyboardEvent } from 'react';
import type { Panel } from '../state/app-state';
import { useAppState, useController } from '../state/context';
import { CloseIcon } from './icons';
import { InfoPanel } from './info-panel';
import { MembersPanel } from './members-panel';
import { PinsPanel } from './pins-panel';
import { ReportsPanel } from './reports-panel';
import { ThreadPane } from './thread-pane';

const TITLES: Record<Panel['kind'], string> = {
  thread: 'Thread',
  pins: 'Pinned messages',
  members: 'Members',
  info: 'Details',
  reports: 'Reports',
};

export function SidePanel({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const panel = useAppState((s) => s.panel);
  if (panel === null) return null;
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      controller.openPanel(null);
    }
  };
  return (
    <aside className="side-panel" aria-label={TITLES[panel.kind]} onKeyDown={onKeyDown} data-testid="side-panel">
      <header className="side-panel-header">
        <h2>{TITLES[panel.kind]}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close panel"
          onClick={() => controller.openPanel(null)}
        >
          <CloseIcon />
        </button>
      </header>
      {panel.kind === 'thread' && <ThreadPane conversationId={conversationId} rootId={panel.rootId} />}
      {panel.kind === 'pins' && <PinsPanel conversationId={conversationId} />}
      {panel.kind === 'members' && <MembersPanel conversationId={conversationId} />}
      {panel.kind === 'info' && <InfoPanel conversationId={conversationId} />}
      {panel.kind === 'reports' && <ReportsPanel conversationId={conversationId} />}
    </aside>
  );
}
