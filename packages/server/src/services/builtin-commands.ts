/**
 * The built-in slash commands (docs/bots.md "Built-in commands"): `/me`, `/shrug`,
 * `/topic`, `/invite`, `/mute`, `/leave`, and `/summarize` when the AI assistant is on.
 * The server carries them out at once, each through the service that does the same thing
 * without a command, so the permission matrix and every rule apply unchanged (changing the
 * topic needs `editSettings`, inviting `addMembers`, `/me` and `/shrug` are messages). They
 * are offered with the bots' commands (InteractionService.conversationCommands); the
 * arguments are checked by the same code. Nothing here is stored beyond what the commands
 * do: the answer (a message id, or a note only the caller sees) returns with the request.
 *
 * `/me waves` is stored as the text `/me waves`, the convention of IRC and XMPP (XEP-0245):
 * XMPP clients receive exactly that body and show it as an action, and the web app shows it
 * as "* Alice waves". A message an XMPP client sends that way is the same thing.
 */
import type { BotCommand, ConversationCommand, InteractionUpdate } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import type { AuthContext } from './accounts';
import type { AssistantService } from './assistant';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { MessageService } from './messages';

/** The shrug every chat knows; the backslash keeps the underscore out of Markdown. */
export const SHRUG = '¯\\_(ツ)_/¯';

const COMMANDS: readonly BotCommand[] = [
  {
    name: 'me',
    description: 'Say what you do: /me waves',
    options: [{ name: 'action', description: 'What you do', type: 'string', required: true }],
  },
  {
    name: 'shrug',
    description: `Add ${SHRUG} to a message`,
    options: [{ name: 'text', description: 'Your message', type: 'string' }],
  },
  {
    name: 'topic',
    description: 'Set the topic (empty: clear it)',
    options: [{ name: 'text', description: 'The new topic', type: 'string' }],
  },
  {
    name: 'invite',
    description: 'Add someone here',
    options: [{ name: 'user', description: 'Who', type: 'user', required: true }],
  },
  {
    name: 'mute',
    description: 'Mute this conversation (off: unmute)',
    options: [{ name: 'state', description: 'on or off', type: 'choice', choices: ['on', 'off'] }],
  },
  { name: 'leave', description: 'Leave this conversation', options: [] },
];

const SUMMARIZE: BotCommand = {
  name: 'summarize',
  description: 'Summary of this thread, or of your unread',
  options: [],
};

export class BuiltinCommands {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly assistant: AssistantService,
  ) {}

  /** The built-ins offered now (`/summarize` only while the assistant is available). */
  list(): ConversationCommand[] {
    const assistant = this.assistant.available ? this.assistant.user : undefined;
    const commands: ConversationCommand[] = COMMANDS.map((c) => ({ ...c, builtin: true }));
    if (assistant) {
      commands.push({ ...SUMMARIZE, builtin: true, botId: assistant.id, botUsername: assistant.username });
    }
    return commands;
  }

  find(name: string): ConversationCommand | undefined {
    return this.list().find((c) => c.name === name);
  }

  /** Carries out a built-in whose arguments were checked (`user` arguments are user ids). */
  async run(
    auth: AuthContext,
    conversationId: string,
    name: string,
    args: Record<string, string | number>,
    threadId?: string,
  ): Promise<InteractionUpdate> {
    const now = this.deps.clock.now();
    const base = { interactionId: newId('i', now), conversationId, status: 'answered' as const };
    const note = (text: string): InteractionUpdate => ({ ...base, ephemeral: { text } });
    const text = (key: string) => (args[key] === undefined ? '' : String(args[key]).trim());
    switch (name) {
      case 'me':
      case 'shrug': {
        const body = name === 'me' ? `/me ${text('action')}` : [text('text'), SHRUG].filter((t) => t !== '').join(' ');
        if (name === 'me' && text('action') === '') throw new AppError('invalid_argument', '/me: say what you do.');
        const sent = await this.messages.send(auth, {
          conversationId,
          clientId: newId('c', now),
          content: { type: 'text', text: body },
          ...(threadId === undefined ? {} : { threadId }),
        });
        return { ...base, messageId: sent.message.id };
      }
      case 'topic': {
        const topic = text('text');
        await this.conversations.update(auth, conversationId, { topic });
        return note(topic === '' ? 'The topic is cleared.' : `The topic is now: ${topic}`);
      }
      case 'invite': {
        const userId = String(args.user);
        const before = await this.deps.store.getMember(conversationId, userId);
        // Authorizes (addMembers), and adds nobody when they are a member already.
        await this.conversations.addMembers(auth, conversationId, [userId]);
        const user = await this.deps.store.getUser(userId);
        const name = `@${user?.username ?? userId}`;
        return note(before ? `${name} is a member already.` : `${name} is now a member.`);
      }
      case 'mute': {
        const off = text('state') === 'off';
        await this.conversations.setNotifyLevel(auth, conversationId, off ? 'all' : 'muted');
        return note(off ? 'Notifications of this conversation are on again.' : 'This conversation is muted for you.');
      }
      case 'leave':
        await this.conversations.leave(auth, conversationId);
        return note('You left this conversation.');
      case 'summarize':
        return this.assistant.summarize(auth, conversationId, threadId);
      default:
        throw new AppError('unknown_command', `No built-in command /${name}.`, { details: { command: name } });
    }
  }
}
