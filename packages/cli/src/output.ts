/**
 * Human output: `[12] 14:03 alice: hello` lines, with usernames looked up once per
 * user id and cached. JSON output is written by the commands themselves.
 */
import { formatFileSize, type CallContent, type FileContent, type HttpClient, type Message } from '@parley/sdk/node';

/** Resolves user ids to usernames, caching each answer for the life of the command. */
export class Names {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly http: HttpClient) {}

  get(userId: string): Promise<string> {
    let name = this.cache.get(userId);
    if (!name) {
      // A deleted or invisible user still gets a line, under its id.
      name = this.http.getUser(userId).then(
        ({ user }) => user.username,
        () => userId,
      );
      this.cache.set(userId, name);
    }
    return name;
  }

  remember(userId: string, username: string): void {
    this.cache.set(userId, Promise.resolve(username));
  }
}

/** `1 member`, `2 members`, `0 members`: a count with its noun, singular only for one. */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `14:03` for today, `2025-11-20 14:03` otherwise (local time). */
export function formatTime(epochMs: number, now = Date.now()): string {
  const date = new Date(epochMs);
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (new Date(now).toDateString() === date.toDateString()) return hm;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${hm}`;
}

async function describeSystem(message: Message, names: Names): Promise<string> {
  if (message.content.type !== 'system') return '';
  const content = message.content;
  const actor = await names.get(message.senderId);
  const others = (await Promise.all((content.userIds ?? []).map((id) => names.get(id)))).join(', ');
  switch (content.action) {
    case 'created':
      return `${actor} created the conversation${content.title ? ` "${content.title}"` : ''}`;
    case 'member.added':
      return `${actor} added ${others}`;
    case 'member.removed':
      return `${actor} removed ${others}`;
    case 'member.left':
      return `${actor} left`;
    case 'member.role':
      return `${actor} made ${others} ${content.role ?? 'member'}`;
    case 'renamed':
      return `${actor} renamed the conversation to "${content.title ?? ''}"`;
    case 'member.joined':
      return `${actor} joined`;
    case 'member.banned':
      return `${actor} banned ${others}${content.until ? ` until ${formatTime(content.until)}` : ''}`;
    case 'member.unbanned':
      return `${actor} lifted the ban of ${others}`;
    case 'member.muted':
      return `${actor} muted ${others}${content.until ? ` until ${formatTime(content.until)}` : ''}`;
    case 'member.unmuted':
      return `${actor} unmuted ${others}`;
    case 'settings.changed':
      return `${actor} changed ${Object.keys(content.settings ?? {}).join(', ') || 'the settings'}`;
    case 'archived':
      return `${actor} archived the conversation (read-only)`;
    case 'unarchived':
      return `${actor} unarchived the conversation`;
  }
}

/** What an update entry did, e.g. `bob reacted 👍 to m_...`. */
async function describeUpdate(message: Message, names: Names): Promise<string> {
  if (message.content.type !== 'update') return '';
  const { action, messageId, emoji, text } = message.content;
  const actor = await names.get(message.senderId);
  switch (action) {
    case 'edited':
      return `${actor} edited ${messageId}: ${text ?? ''}`;
    case 'deleted':
      return `${actor} deleted ${messageId}`;
    case 'reaction.added':
      return `${actor} reacted ${emoji ?? ''} to ${messageId}`;
    case 'reaction.removed':
      return `${actor} took back ${emoji ?? ''} from ${messageId}`;
    case 'pinned':
      return `${actor} pinned ${messageId}`;
    case 'unpinned':
      return `${actor} unpinned ${messageId}`;
    case 'call':
      return `call ${messageId} is now ${message.content.call?.status ?? 'changed'}`;
    case 'link_previews.set':
      return `link previews of ${messageId}: ${(message.content.linkPreviews ?? []).map((p) => p.title ?? p.url).join(', ') || 'none'}`;
    case 'link_previews.removed':
      return `${actor} removed the link previews of ${messageId}`;
    case 'expired':
      return `retention deleted ${message.content.messageIds?.length ?? 1} message(s)`;
  }
}

/** A call record: `missed video call`, `voice call, 2:05`. */
function describeCall(content: CallContent): string {
  const kind = content.media === 'video' ? 'video call' : 'voice call';
  if (content.status === 'answered' && content.durationMs !== undefined) {
    const seconds = Math.round(content.durationMs / 1000);
    return `${kind}, ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
  return content.status === 'ringing' || content.status === 'ongoing'
    ? `${kind} (${content.status})`
    : `${content.status} ${kind}`;
}

/** Markers after the sender: a thread reply, a quote, a forward. */
function markers(message: Message): string {
  const parts: string[] = [];
  if (message.threadId) parts.push(`(in thread ${message.threadId})`);
  if (message.replyTo) parts.push(`(replying to [${message.replyTo.seq}])`);
  if (message.forwardedFrom) parts.push('(forwarded)');
  return parts.map((p) => ` ${p}`).join('');
}

/** A file message's body: `[file name, size, type, id f_...] caption`. */
function describeFile(content: FileContent): string {
  const { name, size, mime, caption } = content;
  const file = `[file ${name}, ${formatFileSize(size)}, ${mime}, id ${content.fileId}]`;
  return `${file}${caption ? ` ${caption}` : ''}`;
}

/** One message as a line of text. */
export async function formatMessage(message: Message, names: Names): Promise<string> {
  const head = `[${message.seq}] ${formatTime(message.createdAt)}`;
  const content = message.content;
  if (content.type === 'text' || content.type === 'file') {
    const edited = message.editedAt === undefined ? '' : ' (edited)';
    const reactions = (message.reactions ?? []).map((r) => `${r.emoji}${r.count}`).join(' ');
    const body = content.type === 'text' ? content.text : describeFile(content);
    return `${head} ${await names.get(message.senderId)}${markers(message)}: ${body}${edited}${reactions ? `  ${reactions}` : ''}`;
  }
  if (content.type === 'deleted') return `${head} ${await names.get(message.senderId)}: (deleted)`;
  if (content.type === 'update') return `${head} * ${await describeUpdate(message, names)}`;
  if (content.type === 'call') return `${head} ${await names.get(message.senderId)}: ${describeCall(content)}`;
  return `${head} * ${await describeSystem(message, names)}`;
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
