/**
 * Contract: pre-send hook records (ADR 0030): hooks are listed oldest first with their
 * filters, patched field by field, removed once; a changed message's digest is
 * recorded once per (sender, client id) and found by that pair only.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, tick, uid } from './harness';

export function presendHooksContract(h: Harness): void {
  describe('pre-send hooks', () => {
    it('creates, lists in order, patches and deletes hooks', async () => {
      const at = tick();
      const first = uid('ph');
      const second = uid('ph');
      const base = { url: 'https://hook.example/a', secret: 'whsec_x', createdBy: null, createdAt: at };
      await h.store.createPresendHook({
        ...base,
        id: first,
        conversationIds: null,
        contentTypes: ['text'],
        deadlineMs: 1500,
        policy: 'open',
        enabled: true,
      });
      await h.store.createPresendHook({
        ...base,
        id: second,
        createdAt: at + 1,
        conversationIds: ['c1', 'c2'],
        contentTypes: ['text', 'file'],
        deadlineMs: 200,
        policy: 'closed',
        enabled: false,
      });
      const ids = (await h.store.listPresendHooks()).map((hook) => hook.id);
      expect(ids.indexOf(first)).toBeLessThan(ids.indexOf(second));
      expect(await h.store.getPresendHook(second)).toMatchObject({
        conversationIds: ['c1', 'c2'],
        contentTypes: ['text', 'file'],
        deadlineMs: 200,
        policy: 'closed',
        enabled: false,
        secret: 'whsec_x',
      });
      const patched = await h.store.updatePresendHook(second, { enabled: true, conversationIds: null });
      expect(patched).toMatchObject({ enabled: true, conversationIds: null, policy: 'closed', deadlineMs: 200 });
      expect(await h.store.updatePresendHook(uid('none'), { enabled: true })).toBeUndefined();
      expect((await h.store.deletePresendHook(first))?.id).toBe(first);
      expect(await h.store.deletePresendHook(first)).toBeUndefined();
      expect(await h.store.getPresendHook(first)).toBeUndefined();
      await h.store.deletePresendHook(second);
    });

    it('records the digest of a changed message once per sender and client id', async () => {
      const sender = uid('u');
      const clientId = uid('c');
      await h.store.recordPresendChange({ senderId: sender, clientId, digest: 'd1', at: tick() });
      await h.store.recordPresendChange({ senderId: sender, clientId, digest: 'd2', at: tick() });
      expect(await h.store.getPresendChange(sender, clientId)).toBe('d1');
      expect(await h.store.getPresendChange(uid('u'), clientId)).toBeUndefined();
      expect(await h.store.getPresendChange(sender, uid('c'))).toBeUndefined();
    });
  });
}
