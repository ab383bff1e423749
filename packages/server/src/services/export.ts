/**
 * Exports of a conversation or of one user's messages as lines of JSON (issue 19;
 * protocol's export.ts). An export is an async generator over pages of the store, so the
 * gateway streams it with backpressure and nothing holds the whole export in memory. Who
 * may export is decided by the caller (AdminOperations: server admins, and the audit entry
 * is written there before the first line).
 */
import type { ExportLine, Message } from '@parley/protocol';
import type { ServiceDeps } from './deps';

/** Messages read per page. */
export const EXPORT_PAGE = 500;

export class ExportService {
  constructor(private readonly deps: ServiceDeps) {}

  private async *withFiles(message: Message): AsyncGenerator<ExportLine> {
    yield { type: 'message', message };
    if (message.content.type !== 'file') return;
    const file = await this.deps.store.getFile(message.content.fileId);
    if (!file) return;
    yield {
      type: 'file',
      file: {
        id: file.id,
        messageId: message.id,
        conversationId: message.conversationId,
        ownerId: file.ownerId,
        name: file.name,
        size: file.size,
        mime: file.mime,
        kind: file.kind,
        createdAt: file.createdAt,
      },
    };
  }

  /** Every entry of the conversation in seq order (messages, system and update entries). */
  async *conversation(conversationId: string): AsyncGenerator<ExportLine> {
    const { store, clock } = this.deps;
    const conversation = await store.getConversation(conversationId, { members: true });
    if (!conversation) return;
    yield { type: 'export', format: 1, scope: 'conversation', id: conversationId, at: clock.now() };
    yield { type: 'conversation', conversation };
    const counts = { messages: 0, files: 0 };
    let after = 0;
    for (;;) {
      const page = await store.listMessages(conversationId, { after, limit: EXPORT_PAGE });
      for (const message of page) {
        for await (const line of this.withFiles(message)) {
          if (line.type === 'message') counts.messages += 1;
          if (line.type === 'file') counts.files += 1;
          yield line;
        }
      }
      const last = page.at(-1);
      if (!last || page.length < EXPORT_PAGE) break;
      after = last.seq;
    }
    yield { type: 'end', ...counts };
  }

  /** Every message the user sent (not their update or system entries), oldest first. */
  async *user(userId: string): AsyncGenerator<ExportLine> {
    const { store, clock } = this.deps;
    yield { type: 'export', format: 1, scope: 'user', id: userId, at: clock.now() };
    const counts = { messages: 0, files: 0 };
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await store.listMessagesBySender(userId, after, EXPORT_PAGE);
      for (const message of page) {
        for await (const line of this.withFiles(message)) {
          if (line.type === 'message') counts.messages += 1;
          if (line.type === 'file') counts.files += 1;
          yield line;
        }
      }
      const last = page.at(-1);
      if (!last || page.length < EXPORT_PAGE) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
    yield { type: 'end', ...counts };
  }
}
