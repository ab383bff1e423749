/**
 * The message composer: a textarea that grows with its text (Enter sends,
 * Shift+Enter adds a line, nothing is sent mid-IME-composition), suggestions for
 * `@mentions` and `:shortcodes:`, an emoji picker that inserts at the caret, the
 * reply being written, and the send button. Up in an empty composer edits my last
 * message. Where I may not post it says why instead; slow mode counts down. The
 * same composer serves a thread (`threadId`). It reports typing to the controller.
 * Files come in through the attach button, by pasting or dropping (ChatPane): they wait in
 * the tray, previewed, and go with the next send, the text as the caption of the first
 * (into the thread, or quoting the reply being written); with nothing typed and no file
 * waiting, the microphone records a voice message.
 */
import type { User } from '@parley/protocol';
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
} from 'react';
import type { ConversationCommand } from '@parley/sdk';
import { commandArgs, commandHint, commandMatches, commandQuery, commandSource, invokedCommand } from '../lib/commands';
import { shortcodeMatches } from '../lib/emoji';
import { formatDuration } from '../lib/format-time';
import { activeToken, insertCompletion, mentionCandidates } from '../lib/mentions';
import { can } from '../lib/permissions';
import { postBlocker, slowModeWait } from '../lib/posting';
import { trayKey } from '../state/app-state';
import { useAppState, useController, useNow } from '../state/context';
import { ArchivedBanner } from './archived-banner';
import { AttachmentTray } from './attachment-tray';
import { EmojiPicker } from './emoji-picker';
import { InteractionNote, useInteractionNote } from './interaction-note';
import { MicIcon, PaperclipIcon, SendIcon, SmileIcon } from './icons';
import { ReplyPreview } from './reply-preview';
import { SuggestionList, type Suggestion } from './suggestion-list';
import { VoiceRecorder } from './voice-recorder';

const MAX_HEIGHT = 180;

/** People I can mention here: members (a channel's first page of them) and whoever wrote what I see. */
function usePeople(id: string, wanted: boolean): User[] {
  const controller = useController();
  const c = useAppState((s) => s.conversations[id]);
  const users = useAppState((s) => s.users);
  const [fetched, setFetched] = useState<string[]>([]);
  const channel = c?.conversation.kind === 'channel';
  useEffect(() => {
    if (!wanted || !channel || fetched.length > 0) return;
    let live = true;
    void controller.members(id).then((page) => {
      if (live) setFetched(page.members.map((m) => m.userId));
    });
    return () => {
      live = false;
    };
  }, [wanted, channel, fetched.length, controller, id]);
  return useMemo(() => {
    const ids = new Set<string>(fetched);
    for (const m of c?.conversation.members ?? []) ids.add(m.userId);
    for (const m of c?.messages ?? []) ids.add(m.senderId);
    return [...ids].map((uid) => users[uid]).filter((u): u is User => u !== undefined);
  }, [fetched, c, users]);
}

/** The slash commands of the conversation's bots, fetched when `/` is first typed here. */
function useCommands(id: string, wanted: boolean): readonly ConversationCommand[] {
  const controller = useController();
  const [loaded, setLoaded] = useState<{ id: string; commands: ConversationCommand[] } | undefined>();
  useEffect(() => {
    if (!wanted || loaded?.id === id) return;
    let live = true;
    void controller.commands(id).then((commands) => {
      if (live) setLoaded({ id, commands });
    });
    return () => {
      live = false;
    };
  }, [wanted, loaded?.id, controller, id]);
  return loaded?.id === id ? loaded.commands : [];
}

export function Composer({ id, threadId }: { id: string; threadId?: string }) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[id]);
  const me = useAppState((s) => s.me.id);
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [picker, setPicker] = useState(false);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | undefined>();
  const input = useRef<HTMLTextAreaElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const token = activeToken(text, caret);
  const people = usePeople(id, token?.kind === 'mention');
  const slash = text.startsWith('/');
  const commands = useCommands(id, slash);
  const typedCommand = slash ? commandQuery(text, caret) : undefined;
  const invoked = slash ? invokedCommand(text, commands) : undefined;
  const { note, run, dismiss } = useInteractionNote();
  const now = useNow(1_000);
  const threadReplies = useAppState((s) => (threadId === undefined ? undefined : s.threads[threadId]?.replies));
  const [recording, setRecording] = useState(false);
  // Off for the next message only: the toggle turns back on after a send.
  const [previewsOff, setPreviewsOff] = useState(false);
  const previewsOn = useAppState((s) => s.limits?.linkPreviews === true);
  const hasLink = previewsOn && /\bhttps?:\/\/\S/i.test(text);
  const fileInput = useRef<HTMLInputElement>(null);
  const stopRecording = useCallback(() => setRecording(false), []);
  const staged = useAppState((s) => s.staged[trayKey(id, threadId)]?.files.length ?? 0);

  useLayoutEffect(() => {
    const el = input.current;
    if (el === null) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  useLayoutEffect(() => {
    // Only with a keyboard-and-mouse layout: on phones this would pop the keyboard up.
    if (window.matchMedia('(min-width: 721px)').matches) input.current?.focus();
  }, [id, threadId]);

  const replying = useAppState((s) => threadId === undefined && s.replyTo[id] !== undefined);
  useEffect(() => {
    if (replying) input.current?.focus();
  }, [replying]);

  const seat =
    c === undefined
      ? undefined
      : {
          kind: c.conversation.kind,
          postPolicy: c.conversation.postPolicy,
          role: c.role,
          archived: c.conversation.archivedAt !== undefined,
        };
  const suggestions: Suggestion[] = useMemo(() => {
    if (typedCommand !== undefined) {
      if (dismissed === -1) return [];
      return commandMatches(typedCommand, commands).map((command) => ({
        key: `${command.botId ?? 'builtin'}/${command.name}`,
        insert: `/${command.name} `,
        label: `/${command.name}`,
        detail: `${command.description} · ${commandSource(command)}`,
      }));
    }
    if (token === undefined || token.start === dismissed) return [];
    if (token.kind === 'emoji')
      return shortcodeMatches(token.query).map(([name, emoji]) => ({
        key: name,
        insert: emoji,
        label: `${emoji} :${name}:`,
      }));
    const allowAll = seat !== undefined && seat.kind !== 'direct' && can('mentionAll', seat);
    return mentionCandidates(token.query, people, { allowAll, me }).map((m) =>
      m.kind === 'user'
        ? { key: m.user.id, insert: `@${m.user.username}`, label: m.user.displayName, detail: `@${m.user.username}` }
        : { key: m.name, insert: `@${m.name}`, label: `@${m.name}`, detail: m.label },
    );
  }, [
    typedCommand,
    commands,
    token?.kind,
    token?.query,
    token?.start,
    dismissed,
    people,
    me,
    seat?.kind,
    seat?.role,
    seat?.postPolicy,
  ]);
  const open = suggestions.length > 0;
  const activeIndex = Math.min(active, Math.max(0, suggestions.length - 1));

  if (c === undefined) return null;
  if (c.conversation.archivedAt !== undefined) return <ArchivedBanner id={id} />;
  const blocker = postBlocker(c, now);
  if (blocker !== undefined) {
    return (
      <div className="composer-blocked" role="note" data-testid="composer-blocked">
        {blocker}
      </div>
    );
  }
  const wait = slowModeWait(c, now);

  const attach = (files: File[]) => {
    controller.trays.add(id, threadId, files);
    input.current?.focus();
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };

  const change = (value: string, at: number) => {
    if (value === '' || !value.startsWith('/')) setDismissed((d) => (d === -1 ? undefined : d));
    setText(value);
    setCaret(at);
    setActive(0);
    controller.composing(id, value.trim() !== '');
  };

  const send = () => {
    const value = text.trim();
    if (wait > 0) return;
    if (invoked !== undefined && staged === 0) {
      run(
        controller.invokeCommand(id, invoked.command, commandArgs(invoked.command, invoked.rest), threadId),
        invoked.command.botUsername === undefined ? 'Parley' : `@${invoked.command.botUsername}`,
      );
      setText('');
      setCaret(0);
      input.current?.focus();
      return;
    }
    const inThread = threadId === undefined ? {} : { threadId };
    // Files carry the text as a caption (no link previews); a text message may turn them off.
    if (staged > 0) controller.sendStaged(id, value, inThread);
    else if (value === '') return;
    else
      controller.send(id, value, { ...inThread, ...(hasLink && previewsOff ? { linkPreviews: false as const } : {}) });
    setPreviewsOff(false);
    setText('');
    setCaret(0);
    input.current?.focus();
  };

  const pick = (item: Suggestion) => {
    if (typedCommand !== undefined) {
      change(item.insert, item.insert.length);
      requestAnimationFrame(() => {
        input.current?.focus();
        input.current?.setSelectionRange(item.insert.length, item.insert.length);
      });
      return;
    }
    if (token === undefined) return;
    const next = insertCompletion(text, token.start, caret, item.insert);
    change(next.text, next.caret);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const editLast = (): boolean => {
    const list = threadReplies ?? c.messages;
    const mine = [...list]
      .reverse()
      .find((m) => m.senderId === me && m.content.type === 'text' && m.threadId === threadId);
    if (mine === undefined) return false;
    controller.startEdit(mine.id);
    return true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
        const item = suggestions[activeIndex];
        if (item !== undefined) {
          event.preventDefault();
          pick(item);
          return;
        }
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissed(typedCommand !== undefined ? -1 : token?.start);
        return;
      }
    }
    if (event.key === 'Escape' && threadId === undefined && replying) {
      event.preventDefault();
      controller.cancelReply(id);
      return;
    }
    if (event.key === 'ArrowUp' && text === '' && editLast()) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const insert = (emoji: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    change(next, start + emoji.length);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  if (recording) {
    return <VoiceRecorder id={id} {...(threadId === undefined ? {} : { threadId })} onDone={stopRecording} />;
  }

  const inputId = threadId === undefined ? `composer-${id}` : `thread-composer-${threadId}`;
  return (
    <div className="composer-wrap">
      {threadId === undefined && <ReplyPreview conversationId={id} />}
      <AttachmentTray conversationId={id} {...(threadId === undefined ? {} : { threadId })} />
      <InteractionNote
        note={note}
        onDismiss={dismiss}
        testId={threadId === undefined ? 'command-note' : 'thread-command-note'}
      />
      {invoked !== undefined && (
        <div className="command-hint" id={`${inputId}-command`} data-testid="command-hint">
          <code>{commandHint(invoked.command)}</code> {invoked.command.description}
        </div>
      )}
      {wait > 0 && (
        <div className="slow-mode" role="status" data-testid="slow-mode">
          Slow mode: you can post again in {formatDuration(wait)}.
        </div>
      )}
      {hasLink && (
        <div className="composer-preview-toggle">
          <button
            type="button"
            className="link-button"
            aria-pressed={previewsOff}
            data-testid="link-preview-toggle"
            onClick={() => setPreviewsOff((off) => !off)}
          >
            No link preview
          </button>
          <span className="composer-preview-hint">
            {previewsOff ? 'This message goes without a preview.' : 'Parley fetches a preview of the link.'}
          </span>
        </div>
      )}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <div className="composer-emoji">
          <button
            ref={emojiButton}
            type="button"
            className="icon-button"
            aria-label="Insert emoji"
            aria-expanded={picker}
            aria-haspopup="dialog"
            onClick={() => setPicker((o) => !o)}
          >
            <SmileIcon />
          </button>
          {picker && (
            <EmojiPicker
              onPick={insert}
              onClose={(refocus) => {
                setPicker(false);
                if (refocus) emojiButton.current?.focus();
              }}
            />
          )}
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Attach files"
          disabled={wait > 0}
          onClick={() => fileInput.current?.click()}
        >
          <PaperclipIcon />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            attach([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <label htmlFor={inputId} className="visually-hidden">
          {staged > 0 ? 'Caption' : threadId === undefined ? 'Message' : 'Reply in thread'}
        </label>
        <div className="composer-field">
          {open && <SuggestionList id={listId} items={suggestions} active={activeIndex} onPick={pick} />}
          <textarea
            id={inputId}
            ref={input}
            className="composer-input"
            rows={1}
            placeholder={staged > 0 ? 'Add a caption…' : threadId === undefined ? 'Write a message…' : 'Reply…'}
            value={text}
            onChange={(e) => change(e.target.value, e.target.selectionStart)}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            onBlur={() => controller.stopTyping(id)}
            aria-describedby={invoked !== undefined ? `${inputId}-hint ${inputId}-command` : `${inputId}-hint`}
            aria-autocomplete="list"
            aria-controls={open ? listId : undefined}
            aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
          />
        </div>
        <span id={`${inputId}-hint`} className="visually-hidden">
          Enter sends, Shift+Enter adds a new line, Up edits your last message, @ mentions someone, / lists the commands
          of this conversation&apos;s bots. Paste or drop files to send them.
        </span>
        {text.trim() === '' && staged === 0 && wait === 0 && typeof MediaRecorder !== 'undefined' ? (
          // With nothing typed the microphone takes the send button's place (not during a
          // slow-mode wait: then the disabled send button says that nothing can go yet).
          <button
            type="button"
            className="send-button"
            aria-label="Record voice message"
            onClick={() => setRecording(true)}
          >
            <MicIcon />
          </button>
        ) : (
          <button
            type="submit"
            className="send-button"
            aria-label={
              staged > 0
                ? staged === 1
                  ? 'Send file'
                  : `Send ${staged} files`
                : threadId === undefined
                  ? 'Send message'
                  : 'Send reply'
            }
            disabled={(text.trim() === '' && staged === 0) || wait > 0}
          >
            <SendIcon />
          </button>
        )}
      </form>
    </div>
  );
}
