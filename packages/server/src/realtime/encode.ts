/**
 * Turns a bus event into the wire frame clients receive. Called once per event,
 * not once per recipient: the same string is written to every socket.
 */
import type { ServerEvent } from '@parley/protocol';
import type { BusEvent } from '../ports/bus-events';

export function toServerEvent(event: BusEvent): ServerEvent | null {
  switch (event.type) {
    case 'message.new':
      return { type: 'message.new', data: { message: event.message } };
    case 'conversation.updated':
      return { type: 'conversation.updated', data: { conversation: event.conversation } };
    case 'conversation.removed':
      return { type: 'conversation.removed', data: { conversationId: event.conversationId } };
    case 'conversation.deleted':
      return { type: 'conversation.deleted', data: { conversationId: event.conversationId } };
    case 'typing':
      return {
        type: 'typing',
        data: {
          conversationId: event.conversationId,
          userId: event.userId,
          typing: event.typing,
          expiresInMs: event.expiresInMs,
        },
      };
    case 'receipt':
      return {
        type: 'receipt',
        data: { conversationId: event.conversationId, userId: event.userId, kind: event.kind, seq: event.seq },
      };
    case 'presence':
      return { type: 'presence', data: event.presence };
    case 'presence.resource':
      return null; // per-resource presence is for XMPP peers; native clients get the aggregate
    case 'user.updated':
      return { type: 'user.updated', data: { user: event.user } };
    case 'block.updated':
      return { type: 'block.updated', data: { userId: event.userId, blocked: event.blocked } };
    case 'privacy.updated':
      return { type: 'privacy.updated', data: { privacy: event.privacy } };
    case 'contact.updated':
      return { type: 'contact.updated', data: { contact: event.contact } };
    case 'contact.removed':
      return { type: 'contact.removed', data: { userId: event.userId } };
    case 'session.revoked':
      return null; // acted on by the hub, never forwarded
    case 'contacts.changed':
    case 'subscription.changed':
    case 'room.nick': // native clients show display names, not room nicknames
      return null; // only the XMPP gateway (roster pushes, subscription requests) uses them so far
    case 'member.updated': {
      const { notifyLevel, favouritePosition, markedUnread, thread, conversationId } = event;
      return {
        type: 'member.updated',
        data: {
          conversationId,
          ...(notifyLevel === undefined ? {} : { notifyLevel }),
          ...(favouritePosition === undefined ? {} : { favouritePosition }),
          ...(markedUnread === undefined ? {} : { markedUnread }),
          ...(thread === undefined ? {} : { thread }),
        },
      };
    }
    case 'report.new':
      return { type: 'report.new', data: { report: event.report } };
    case 'call.updated':
      return { type: 'call.updated', data: { call: event.call } };
    case 'interaction.new':
      return { type: 'interaction.new', data: { interaction: event.interaction } };
    case 'interaction.updated':
      return { type: 'interaction.updated', data: event.update };
    case 'call.signal':
      return {
        type: 'call.signal',
        data: { callId: event.callId, fromUserId: event.fromUserId, signal: event.signal },
      };
    case 'group_call.updated': {
      const { conversationId, change, participant, participants } = event;
      return { type: 'group_call.updated', data: { conversationId, change, participant, participants } };
    }
    case 'node.devices':
    case 'node.heartbeat':
    case 'node.hello':
    case 'node.leaving':
      return null; // the presence registry's own traffic
  }
}

export function encodeEvent(event: BusEvent): string | null {
  const frame = toServerEvent(event);
  return frame ? JSON.stringify(frame) : null;
}
