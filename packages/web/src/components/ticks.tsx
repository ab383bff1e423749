/**
 * Delivery state of one of my messages: a clock while it waits in the outbox (its
 * tooltip and accessible name say so),
 * one check once the server stored it, two when every other member's device has
 * it, two in the "read" colour when every other member has read it.
 */
import type { Conversation } from '@parley/protocol';
import { Check, ClockIcon } from './icons';

export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read';

export function deliveryStatus(conversation: Conversation, me: string, seq: number): DeliveryStatus {
  const others = conversation.members.filter((m) => m.userId !== me);
  if (others.length === 0) return 'sent';
  if (others.every((m) => m.readSeq >= seq)) return 'read';
  if (others.every((m) => m.deliveredSeq >= seq)) return 'delivered';
  return 'sent';
}

const LABELS: Record<DeliveryStatus, string> = {
  sending: 'Not sent yet: it goes out as soon as the connection allows',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};

export function Ticks({ status }: { status: DeliveryStatus }) {
  return (
    <span
      className={`ticks ticks-${status}`}
      role="img"
      aria-label={LABELS[status]}
      title={LABELS[status]}
      data-status={status}
    >
      {status === 'sending' ? <ClockIcon /> : <Check double={status !== 'sent'} />}
    </span>
  );
}
