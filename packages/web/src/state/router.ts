/**
 * Keeps the address bar and the app in step (lib/route.ts says what the addresses are).
 *
 * - The app moves (a conversation or a thread opens or closes): a history entry is pushed,
 *   so that the browser's Back button goes back within the app. Going back "up" to the
 *   entry this one was pushed from (the list from a chat, the chat from its thread) is a real
 *   `history.back()`, so the in-app back button and the browser's agree and never pile up.
 * - The address moves (Back, Forward, a pasted link, a reload): the app opens what it names.
 *   A link opened in a fresh tab gets the list beneath it, so that Back on a phone leads to the
 *   list instead of out of the app.
 * - A link to a message fetches it by id (so it works however far back it is: its conversation
 *   then loads pages down to it) and jumps to it with a flash; a conversation or message this
 *   account may not read leaves a notice saying so.
 *
 * It owns no app state beyond that notice; the controller stays the only way to change the app.
 */
import { parseRoute, routeHash, type Route } from '../lib/route';
import type { AppState } from './app-state';
import type { ChatController } from './controller';
import { Store } from './store';

/** What a link pointed at that cannot be shown. */
export type RouteProblem = 'conversation' | 'message';

/** Marks the history entries this app made: `parent` is the address it was pushed from. */
interface Entry {
  parley: { parent: string | null };
}

function entryOf(state: unknown): Entry['parley'] | undefined {
  const value = (state as Partial<Entry> | null)?.parley;
  return typeof value === 'object' && value !== null ? value : undefined;
}

function threadOf(state: AppState): string | null {
  return state.panel?.kind === 'thread' ? state.panel.rootId : null;
}

/** The address of what the app shows now. */
export function routeOf(state: AppState): Route {
  if (state.activeId === null) return { kind: 'home' };
  const rootId = threadOf(state);
  return rootId === null
    ? { kind: 'conversation', conversationId: state.activeId }
    : { kind: 'thread', conversationId: state.activeId, rootId };
}

export class Router {
  /** The notice about the last link that could not be opened (null: none). */
  readonly problem = new Store<RouteProblem | null>(null);
  private lastKey = '';
  /** Bumped by each route applied, so that a late answer for an older one is dropped. */
  private generation = 0;
  /** The thread of the message the address names, once fetched (null: not in a thread). */
  private messageThread: string | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly controller: ChatController) {}

  start(): () => void {
    const route = parseRoute(location.hash);
    if (route.kind !== 'home' && route.kind !== 'invite' && entryOf(history.state) === undefined) {
      // A link opened from outside: put the list beneath it, so that Back stays in the app.
      const hash = location.hash;
      history.replaceState({ parley: { parent: null } } satisfies Entry, '', routeHash({ kind: 'home' }));
      history.pushState({ parley: { parent: routeHash({ kind: 'home' }) } } satisfies Entry, '', hash);
    }
    this.apply(route);
    this.lastKey = this.keyOf(this.controller.state);
    this.offs.push(this.controller.store.subscribe(() => this.sync()));
    const onPop = () => this.apply(parseRoute(location.hash));
    window.addEventListener('popstate', onPop);
    this.offs.push(() => window.removeEventListener('popstate', onPop));
    return () => this.stop();
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.generation += 1;
  }

  dismiss(): void {
    this.problem.update(() => null);
  }

  private keyOf(state: AppState): string {
    return `${state.activeId ?? ''}|${threadOf(state) ?? ''}`;
  }

  /** Does the address already name what the app shows? */
  private matches(route: Route, state: AppState): boolean {
    const thread = threadOf(state);
    switch (route.kind) {
      case 'home':
        return state.activeId === null;
      case 'conversation':
        return state.activeId === route.conversationId && thread === null;
      case 'thread':
        return state.activeId === route.conversationId && thread === route.rootId;
      case 'message':
        return state.activeId === route.conversationId && (thread === null || thread === this.messageThread);
      case 'invite':
      case 'admin':
        return true;
    }
  }

  /** The app moved: record it in the address (push, or go back to the entry it came from). */
  private sync(): void {
    const state = this.controller.state;
    const key = this.keyOf(state);
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (state.activeId !== null && this.problem.get() !== null) this.dismiss();
    const current = parseRoute(location.hash);
    if (this.matches(current, state)) return;
    const next = routeHash(routeOf(state));
    const entry = entryOf(history.state);
    if (entry?.parent === next) {
      history.back();
    } else if (current.kind === 'invite') {
      // The invite dialog's address is not a place to come back to.
      history.replaceState({ parley: { parent: entry?.parent ?? null } } satisfies Entry, '', next);
    } else {
      history.pushState({ parley: { parent: location.hash || routeHash({ kind: 'home' }) } } satisfies Entry, '', next);
    }
  }

  /** The address moved: show what it names. */
  private apply(route: Route): void {
    const generation = ++this.generation;
    const c = this.controller;
    const state = c.state;
    if (this.matches(route, state) && route.kind !== 'message') return;
    switch (route.kind) {
      case 'home':
        c.open(null);
        return;
      case 'invite':
      case 'admin':
        return;
      case 'conversation':
      case 'thread': {
        this.dismiss();
        c.open(route.conversationId);
        if (route.kind === 'thread') c.openPanel({ kind: 'thread', rootId: route.rootId });
        else if (threadOf(c.state) !== null) c.openPanel(null);
        this.whenListLoaded(generation, () => {
          if (c.state.conversations[route.conversationId] === undefined) this.refuse(generation, 'conversation');
        });
        return;
      }
      case 'message': {
        this.dismiss();
        this.messageThread = null;
        c.client.messages.get(route.messageId).then(
          (message) => {
            if (generation !== this.generation) return;
            this.messageThread = message.threadId ?? null;
            this.whenListLoaded(generation, () => {
              if (c.state.conversations[message.conversationId] === undefined)
                return this.refuse(generation, 'conversation');
              void c.jumpTo(message.conversationId, message.id, message.seq, message.threadId);
            });
          },
          () => this.refuse(generation, 'message'),
        );
        return;
      }
    }
  }

  /** Runs `fn` once the conversation list has arrived (membership is known then). */
  private whenListLoaded(generation: number, fn: () => void): void {
    if (this.controller.state.listLoaded) return fn();
    const off = this.controller.store.subscribe(() => {
      if (generation !== this.generation) return off();
      if (!this.controller.state.listLoaded) return;
      off();
      fn();
    });
    this.offs.push(off);
  }

  /** The link names something this account may not read: say so, and show the list. */
  private refuse(generation: number, problem: RouteProblem): void {
    if (generation !== this.generation) return;
    history.replaceState(history.state, '', routeHash({ kind: 'home' }));
    this.controller.open(null);
    this.lastKey = this.keyOf(this.controller.state);
    this.problem.update(() => problem);
  }
}
