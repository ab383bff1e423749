/**
 * One function per client frame type: decode is done, authorization is the
 * services' job; a handler only maps frame data to a service call and back.
 */
import type { ClientData, ClientFrameType, ResultOf } from '@parley/protocol';
import type { AuthContext, Services } from '../../services';

export interface HandlerContext {
  auth: AuthContext;
  connectionId: string;
  services: Services;
}

type Handler<K extends ClientFrameType> = (ctx: HandlerContext, data: ClientData<K>) => Promise<ResultOf<K>>;
type Handlers = { [K in Exclude<ClientFrameType, 'auth'>]: Handler<K> };

export const handlers: Handlers = {
  ping: () => Promise.resolve({}),
  'message.send': (ctx, data) => ctx.services.messages.send(ctx.auth, data),
  sync: (ctx, data) => ctx.services.sync.sync(ctx.auth, data),
  history: (ctx, data) => ctx.services.messages.history(ctx.auth, data),
  'typing.set': async (ctx, data) => {
    await ctx.services.receipts.setTyping(ctx.auth, data.conversationId, data.typing);
    return {};
  },
  'receipt.set': async (ctx, data) => {
    await ctx.services.receipts.setReceipt(ctx.auth, data.conversationId, data.kind, data.seq);
    return {};
  },
  'presence.set': async (ctx, data) => {
    await ctx.services.presence.set(ctx.auth, ctx.connectionId, data.status);
    return {};
  },
  'presence.get': async (ctx, data) => ({ presences: await ctx.services.presence.get(ctx.auth, data.userIds) }),
  'focus.set': (ctx, data) => ctx.services.pushPreferences.setFocus(ctx.auth, ctx.connectionId, data.conversationId),
  'message.edit': async (ctx, data) => ({
    message: await ctx.services.messageChanges.edit(ctx.auth, data.messageId, data.text),
  }),
  'message.delete': async (ctx, data) => ({
    message: await ctx.services.messageChanges.delete(ctx.auth, data.messageId),
  }),
  'reaction.set': async (ctx, data) => ({
    message: await ctx.services.messageChanges.react(ctx.auth, data.messageId, data.emoji, data.reacted),
  }),
  'message.pin': async (ctx, data) => ({
    message: await ctx.services.messageChanges.pin(ctx.auth, data.messageId, data.pinned),
  }),
  'link_previews.remove': async (ctx, data) => ({
    message: await ctx.services.messageChanges.removeLinkPreviews(ctx.auth, data.messageId),
  }),
  'thread.read': async (ctx, data) => {
    await ctx.services.threads.markRead(ctx.auth, data.conversationId, data.threadId, data.seq);
    return {};
  },
  'unread.mark': async (ctx, data) => {
    await ctx.services.receipts.markUnread(ctx.auth, data.conversationId, data.seq);
    return {};
  },
  search: (ctx, data) => ctx.services.search.search(ctx.auth, data),
  'call.start': async (ctx, data) => ({
    call: await ctx.services.calls.start(ctx.auth, data.conversationId, data.media),
  }),
  'call.accept': async (ctx, data) => ({ call: await ctx.services.calls.accept(ctx.auth, data.callId) }),
  'call.decline': async (ctx, data) => ({ call: await ctx.services.calls.decline(ctx.auth, data.callId) }),
  'call.hangup': async (ctx, data) => ({ call: await ctx.services.calls.hangup(ctx.auth, data.callId) }),
  'call.signal': async (ctx, data) => {
    await ctx.services.calls.signal(ctx.auth, data.callId, data.signal);
    return {};
  },
  'call.ice_servers': (ctx) => Promise.resolve(ctx.services.calls.iceServers(ctx.auth)),
  'call.list': async (ctx) => ({ calls: await ctx.services.calls.open(ctx.auth) }),
  'group_call.get': async (ctx, data) => ({ call: await ctx.services.groupCalls.get(ctx.auth, data.conversationId) }),
  'group_call.join': (ctx, data) => ctx.services.groupCalls.join(ctx.auth, data.conversationId, data.sdp, data.media),
  'group_call.subscribe': (ctx, data) => ctx.services.groupCalls.subscribe(ctx.auth, data.conversationId, data.feedId),
  'group_call.answer': async (ctx, data) => {
    await ctx.services.groupCalls.answer(ctx.auth, data.conversationId, data.subscriptionId, data.sdp);
    return {};
  },
  'group_call.unsubscribe': async (ctx, data) => {
    await ctx.services.groupCalls.unsubscribe(ctx.auth, data.conversationId, data.subscriptionId);
    return {};
  },
  'group_call.media': async (ctx, data) => {
    await ctx.services.groupCalls.setMedia(ctx.auth, data.conversationId, data.media);
    return {};
  },
  'group_call.leave': async (ctx, data) => {
    await ctx.services.groupCalls.leave(ctx.auth, data.conversationId);
    return {};
  },
};
