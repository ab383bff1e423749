/**
 * A user's own export (issue 19, `GET /v1/me/export`, docs/export-format.md): everything of
 * theirs as archive entries, in order: the manifest, their profile, their contacts, the
 * conversations they are in, the messages they sent (pages of JSON lines), the files they
 * sent (metadata, then the bytes streamed from the blob store) and `end.json` last. An async
 * generator over store pages, so the gateway writes each entry before the next is read and
 * nothing holds the whole export. Only their own content: messages they sent (the excerpt a
 * reply quotes from someone else is left out), files they own, conversations as they see
 * them without other people's messages. Rate-limited per account (`export`) and audited
 * (`export.self`) before the first entry.
 */
import type { Readable } from 'node:stream';
import type { Message } from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { AuthContext } from './accounts';
import { selfActor, toUser } from './accounts';
import { recordAudit } from './audit';
import type { ServiceDeps } from './deps';
import { EXPORT_PAGE } from './export';
import type { FileService } from './files';
import type { ClientOrigin } from './rate-limits';

/** The archive's layout version (docs/export-format.md). */
export const USER_EXPORT_FORMAT = 1;
/** Conversations listed at most (a person in more is told so in end.json: `conversationsTruncated`). */
export const EXPORT_MAX_CONVERSATIONS = 10_000;
export const EXPORT_ROOT = 'parley-export';

/** One entry of the archive: small JSON made here, or bytes streamed from the blob store. */
export type ExportEntry =
  { name: string; data: Buffer } | { name: string; size: number; open: () => Promise<Readable> };

const json = (name: string, value: unknown): ExportEntry => ({
  name: `${EXPORT_ROOT}/${name}`,
  data: Buffer.from(`${JSON.stringify(value, null, 2)}\n`),
});

/** A file name safe in any archive reader: no directories, no control characters. */
export function safeEntryName(name: string): string {
  const cleaned = [...name]
    .map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 || c === '\u007f' ? '_' : c))
    .join('')
    .replace(/^\.+/, '_')
    .slice(0, 100);
  return cleaned === '' ? 'file' : cleaned;
}

/** The sender's own message, without what it quotes of someone else. */
function ownPart(message: Message): Message {
  if (!message.replyTo) return message;
  return { ...message, replyTo: { ...message.replyTo, excerpt: '' } };
}

export class UserExportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileService,
  ) {}

  /** Checks the budget and writes the audit entry; then the entries, lazily. */
  async start(auth: AuthContext, origin: ClientOrigin): Promise<AsyncGenerator<ExportEntry>> {
    const decision = await this.deps.rates.take('export', auth.user.id);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'You exported your data recently: wait and retry.', {
        details: { retryAfterMs: decision.retryAfterMs },
      });
    }
    const now = this.deps.clock.now();
    await this.deps.store.transaction((tx) =>
      recordAudit(tx, selfActor(auth.user, origin), now, 'export.self', auth.user.id, { format: USER_EXPORT_FORMAT }),
    );
    return this.entries(auth, now);
  }

  private async *entries(auth: AuthContext, at: number): AsyncGenerator<ExportEntry> {
    const { store } = this.deps;
    const user = auth.user;
    yield json('manifest.json', {
      format: USER_EXPORT_FORMAT,
      exportedAt: at,
      user: { id: user.id, username: user.username },
    });
    yield json('profile.json', { user: toUser(user) });

    const details = await store.listContactDetails(user.id);
    const people = new Map((await store.getUsers(details.map((c) => c.contactId))).map((u) => [u.id, u]));
    yield json('contacts.json', {
      contacts: details.map((c) => ({
        userId: c.contactId,
        username: people.get(c.contactId)?.username ?? null,
        displayName: people.get(c.contactId)?.displayName ?? null,
        nickname: c.nickname,
        groups: c.groups,
        addedAt: c.createdAt,
      })),
    });

    const summaries = await store.listConversationSummaries(user.id, { limit: EXPORT_MAX_CONVERSATIONS });
    yield json('conversations.json', {
      conversations: summaries.map((s) => ({
        id: s.conversation.id,
        kind: s.conversation.kind,
        title: s.conversation.title,
        role: s.role,
        createdAt: s.conversation.createdAt,
      })),
    });

    const counts = { messages: 0, files: 0, conversations: summaries.length };
    const fileIds: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (let page = 1; ; page += 1) {
      const messages = await store.listMessagesBySender(user.id, after, EXPORT_PAGE);
      if (messages.length > 0) {
        const lines = messages.map((m) => `${JSON.stringify(ownPart(m))}\n`).join('');
        yield { name: `${EXPORT_ROOT}/messages/${String(page).padStart(6, '0')}.jsonl`, data: Buffer.from(lines) };
        counts.messages += messages.length;
        for (const m of messages) if (m.content.type === 'file') fileIds.push(m.content.fileId);
      }
      const last = messages.at(-1);
      if (!last || messages.length < EXPORT_PAGE) break;
      after = { createdAt: last.createdAt, id: last.id };
    }

    for (const fileId of new Set(fileIds)) {
      const file = await store.getFile(fileId);
      // Only their own uploads (a forwarded file stays its owner's), and only what still exists.
      if (!file || file.ownerId !== user.id || file.status !== 'ready') continue;
      const download = await this.files.authorizeDownload(auth, fileId, 'original').catch(() => undefined);
      if (!download) continue;
      const dir = `files/${file.id}`;
      yield json(`${dir}/file.json`, {
        id: file.id,
        name: file.name,
        size: download.size,
        mime: file.mime,
        kind: file.kind,
        createdAt: file.createdAt,
      });
      yield {
        name: `${EXPORT_ROOT}/${dir}/${safeEntryName(file.name)}`,
        size: download.size,
        open: () => this.files.open(download),
      };
      counts.files += 1;
    }
    yield json('end.json', { ...counts, conversationsTruncated: summaries.length >= EXPORT_MAX_CONVERSATIONS });
  }
}
