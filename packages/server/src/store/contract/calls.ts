/**
 * Contract: call records (migration 0021). A transition happens only from the states
 * it names, so of two concurrent answers exactly one wins on every dialect; open
 * calls are found per user and for the sweep; a call record message's content is
 * replaced with its rev.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../ports/call-records';
import { type Harness, newGroup, newUsers, tick, uid } from './harness';

export function callsContract(h: Harness): void {
  describe('calls', () => {
    async function ringing(): Promise<{ call: CallRecord; callerId: string; calleeId: string }> {
      const [caller, callee] = await newUsers(h.store, 2);
      if (!caller || !callee) throw new Error('fixture');
      const conversation = await newGroup(h.store, caller, [callee]);
      const at = tick();
      const { message } = await h.store.appendMessage({
        id: uid('msg'),
        conversationId: conversation.id,
        senderId: caller.id,
        clientId: uid('client'),
        content: { type: 'call', callId: 'pending', media: 'video', status: 'ringing' },
        createdAt: at,
      });
      const call: CallRecord = {
        id: uid('call'),
        conversationId: conversation.id,
        messageId: message.id,
        callerId: caller.id,
        calleeId: callee.id,
        media: 'video',
        state: 'ringing',
        callerDevice: uid('s'),
        calleeDevice: null,
        startedAt: at,
        answeredAt: null,
        endedAt: null,
        endReason: null,
        endedBy: null,
        ringDeadline: at + 30_000,
        aliveAt: at,
      };
      await h.store.insertCall(call);
      return { call, callerId: caller.id, calleeId: callee.id };
    }

    it('stores a call and moves it only from the states a transition names', async () => {
      const { call, calleeId } = await ringing();
      expect(await h.store.getCall(call.id)).toEqual(call);
      expect((await h.store.openCallsOf(calleeId)).map((c) => c.id)).toEqual([call.id]);
      const answered = await h.store.transitionCall(call.id, ['ringing'], {
        state: 'active',
        calleeDevice: 'dev_b',
        answeredAt: call.startedAt + 5,
        aliveAt: call.startedAt + 5,
      });
      expect(answered).toMatchObject({ state: 'active', calleeDevice: 'dev_b', answeredAt: call.startedAt + 5 });
      // Too late: it is not ringing any more.
      expect(await h.store.transitionCall(call.id, ['ringing'], { state: 'ended', endReason: 'declined' })).toBe(
        undefined,
      );
      await h.store.touchCalls([call.id], call.startedAt + 900);
      expect((await h.store.getCall(call.id))?.aliveAt).toBe(call.startedAt + 900);
      expect((await h.store.listOpenCalls(10_000)).map((c) => c.id)).toContain(call.id);
      const ended = await h.store.transitionCall(call.id, ['active'], {
        state: 'ended',
        endedAt: call.startedAt + 1000,
        endReason: 'hangup',
        endedBy: calleeId,
      });
      expect(ended).toMatchObject({
        state: 'ended',
        endReason: 'hangup',
        endedBy: calleeId,
        aliveAt: call.startedAt + 900,
      });
      expect(await h.store.openCallsOf(calleeId)).toEqual([]);
      expect((await h.store.listOpenCalls(10_000)).map((c) => c.id)).not.toContain(call.id);
    });

    it('lets exactly one of two concurrent answers win', async () => {
      const { call } = await ringing();
      const answer = (device: string) =>
        h.store.transaction((tx) =>
          tx.transitionCall(call.id, ['ringing'], { state: 'active', calleeDevice: device, answeredAt: tick() }),
        );
      const results = await Promise.all([answer('dev_1'), answer('dev_2')]);
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect((await h.store.getCall(call.id))?.calleeDevice).toBe(winners[0]?.calleeDevice);
    });

    it("replaces a call record message's content with its rev", async () => {
      const { call } = await ringing();
      await h.store.transaction((tx) =>
        tx.setCallContent(call.messageId, { type: 'call', callId: call.id, media: 'video', status: 'missed' }, 7),
      );
      expect(await h.store.getMessage(call.messageId)).toMatchObject({
        rev: 7,
        content: { type: 'call', callId: call.id, status: 'missed' },
      });
    });
  });
}
