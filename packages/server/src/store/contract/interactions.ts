/**
 * Contract: dead letters, bot commands and interactions (0025, ADR 0018). An event that
 * failed dispatch `maxAttempts` times leaves the dispatcher's way and comes back on
 * retry; a job moves to the dead letters only under its lease and comes back due; a bot's
 * command list is replaced whole; the bots of a conversation are found by membership; an
 * interaction changes status only from the status named (an answer and the timeout can
 * never both win).
 */
import type { EventBody } from '../../ports/bus-events';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, newGroup, newUser, uid } from './harness';

const post = (text: string): EventBody => ({
  v: 1,
  type: 'message.new',
  message: {
    id: `m_${text}`,
    conversationId: 'c_dead',
    seq: 1,
    senderId: 'u_dead',
    clientId: text,
    content: { type: 'text', text },
    createdAt: 1,
  } as never,
});

export function interactionsContract(h: Harness): void {
  describe('dead letters, bot commands and interactions', () => {
    afterEach(async () => {
      for (const letter of await h.store.listDeadLetters(500)) await h.store.deleteDeadLetter(letter.id);
      await h.store.transaction((tx) => tx.takeEventsToDispatch(10_000));
    });

    it('sets an event aside after maxAttempts failed dispatches and puts it back on retry', async () => {
      await h.store.transaction((tx) => tx.takeEventsToDispatch(10_000));
      await h.store.write(uid(), (tx) => tx.emit('conv.c_dead', post('poison')));
      // The dispatcher's transaction rolled back: the event is still there to count.
      const [event] = await h.store
        .transaction(async (tx) => {
          const taken = await tx.takeEventsToDispatch(1);
          throw Object.assign(new Error('rollback'), { taken });
        })
        .catch((error: { taken: { id: string }[] }) => error.taken);
      expect(event).toBeDefined();
      expect(await h.store.failEventDispatch(event!.id, 'boom', 2, 1000)).toBe('retry');
      expect(await h.store.failEventDispatch(event!.id, 'boom again', 2, 2000)).toBe('dead');
      expect(await h.store.failEventDispatch(event!.id, 'late', 2, 3000)).toBe('gone');
      expect(await h.store.transaction((tx) => tx.takeEventsToDispatch(10))).toEqual([]);
      const [letter] = await h.store.listDeadLetters(10);
      expect(letter).toMatchObject({
        id: event!.id,
        source: 'event',
        kind: 'message.new',
        attempts: 2,
        lastError: 'boom again',
        failedAt: 2000,
      });
      expect(await h.store.retryDeadLetter(event!.id, 4000)).toMatchObject({ id: event!.id });
      const again = await h.store.transaction((tx) => tx.takeEventsToDispatch(10));
      expect(again.map((e) => e.id)).toEqual([event!.id]);
      expect(await h.store.listDeadLetters(10)).toEqual([]);
    });

    it('moves a job to the dead letters under its lease only, and back due with its attempts reset', async () => {
      const kind = uid('kind');
      const now = Date.now();
      await h.store.enqueueJob({ id: uid('j'), kind, payload: { n: 1 }, dueAt: now, createdAt: now });
      const [job] = await h.store.claimJobs({
        now,
        leaseUntil: now + 1000,
        leaseToken: 'lease-a',
        limit: 1,
        kinds: [kind],
      });
      expect(job).toBeDefined();
      expect(await h.store.deadLetterJob(job!.id, 'lease-b', 'not mine', now)).toBe(false);
      expect(await h.store.deadLetterJob(job!.id, 'lease-a', 'broken', now)).toBe(true);
      expect(await h.store.countJobs(kind)).toBe(0);
      expect((await h.store.listDeadLetters(10))[0]).toMatchObject({
        id: job!.id,
        source: 'job',
        kind,
        payload: { n: 1 },
        attempts: 1,
      });
      await h.store.retryDeadLetter(job!.id, now + 5);
      const [back] = await h.store.claimJobs({
        now: now + 5,
        leaseUntil: now + 1000,
        leaseToken: 'lease-c',
        limit: 1,
        kinds: [kind],
      });
      expect(back).toMatchObject({ id: job!.id, payload: { n: 1 }, attempts: 1 });
      await h.store.completeJob(back!.id, 'lease-c');
    });

    it("replaces a bot's commands whole and finds the bots of a conversation", async () => {
      const owner = await newUser(h.store);
      const bot = await h.store.createUser({
        id: uid('user'),
        username: uid('bot').toLowerCase().slice(0, 30),
        displayName: 'Bot',
        passwordHash: '!bot',
        createdAt: 1,
        bot: true,
        ownerId: owner.id,
      });
      const group = await newGroup(h.store, owner, [bot]);
      const roll = {
        name: 'roll',
        description: 'Roll',
        options: [{ name: 'sides', description: 'Sides', type: 'number' as const, required: true }],
      };
      await h.store.setBotCommands(bot.id, [roll, { name: 'ask', description: 'Ask', options: [] }], 1);
      expect((await h.store.listBotCommands(bot.id)).map((c) => c.name)).toEqual(['ask', 'roll']);
      await h.store.setBotCommands(bot.id, [roll], 2);
      expect(await h.store.listBotCommands(bot.id)).toEqual([roll]);
      expect(await h.store.listBotMembers(group.id)).toEqual([{ id: bot.id, username: bot.username }]);
      expect(await h.store.listCommandsOfBots([bot.id, owner.id])).toEqual([{ botId: bot.id, command: roll }]);
      await h.store.setBotCommands(bot.id, [], 3);
      expect(await h.store.listBotCommands(bot.id)).toEqual([]);
    });

    it('changes an interaction only from the status named, and prunes expired ones', async () => {
      const id = uid('i');
      await h.store.createInteraction({
        id,
        kind: 'command',
        botId: 'u_b',
        userId: 'u_u',
        conversationId: 'c_c',
        messageId: null,
        data: { command: { name: 'roll', args: { sides: 6 } } },
        status: 'pending',
        deadlineAt: 100,
        expiresAt: 200,
        reply: null,
        createdAt: 50,
      });
      expect(await h.store.transitionInteraction(id, ['pending'], 'answered', { reply: { text: 'hi' } })).toBe(true);
      expect(await h.store.transitionInteraction(id, ['pending'], 'timed_out', {})).toBe(false);
      expect(await h.store.getInteraction(id)).toMatchObject({
        status: 'answered',
        reply: { text: 'hi' },
        data: { command: { name: 'roll', args: { sides: 6 } } },
        deadlineAt: 100,
        messageId: null,
      });
      expect(await h.store.pruneInteractions(150, 10)).toBe(0);
      expect(await h.store.pruneInteractions(201, 1000)).toBeGreaterThanOrEqual(1);
      expect(await h.store.getInteraction(id)).toBeUndefined();
    });
  });
}
