/**
 * The pinned messages of one conversation, most recently pinned first, fetched from the
 * server and fetched again whenever a pin or unpin entry arrives in its sequence (the pins
 * panel and the pinned bar both read it). Undefined while the first answer is on its way.
 */
import type { Message } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { lastSeqWhere } from './reducers';
import { useAppState, useController } from './context';

export function usePins(conversationId: string): Message[] | undefined {
  const controller = useController();
  const lastSeq = useAppState((s) =>
    lastSeqWhere(
      s.conversations[conversationId],
      (m) => m.content.type === 'update' && (m.content.action === 'pinned' || m.content.action === 'unpinned'),
    ),
  );
  const [pins, setPins] = useState<Message[] | undefined>();
  useEffect(() => {
    let live = true;
    void controller.pins(conversationId).then((list) => {
      if (live) setPins(list);
    });
    return () => {
      live = false;
    };
  }, [controller, conversationId, lastSeq]);
  return pins;
}
