/**
 * Shared fixtures for the store contract suite: one store per suite (a temp
 * SQLite file, a PostgreSQL schema), and builders that give every test its own
 * users and conversations so tests never depend on each other's data.
 */
import type { Conversation, MessageContent, Role } from '@parley/protocol';
import { afterAll, beforeAll } from 'vitest';
import type { NewConversation, NewMessage, Store, UserRecord } from '../../ports/store';

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export interface Harness {
  readonly store: Store;
}

/** Registers beforeAll/afterAll hooks that open and clean up one store. */
export function useStore(makeStore: MakeStore): Harness {
  let opened: Awaited<ReturnType<MakeStore>> | undefined;
  beforeAll(async () => {
    opened = await makeStore();
  });
  afterAll(async () => {
    await opened?.cleanup();
  });
  return {
    get store(): Store {
      if (!opened) throw new Error('store not opened yet');
      return opened.store;
    },
  };
}

let counter = 0;
const runTag = Math.random().toString(36).slice(2, 8);

/** A unique id matching the protocol's id pattern. */
export function uid(prefix = 'id'): string {
  counter += 1;
  return `${prefix}_${runTag}_${counter}`;
}

/** A unique, valid username (lower case, at most 32 characters). */
export function uname(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${runTag}${counter.toString(36)}`;
}

let clock = 1_700_000_000_000;
/** Strictly increasing timestamps, so orderings by time are deterministic. */
export function tick(): number {
  clock += 1000;
  return clock;
}

export async function newUser(store: Store, username: string = uname()): Promise<UserRecord> {
  return store.createUser({
    id: uid('user'),
    username,
    displayName: `Name of ${username}`,
    passwordHash: 'hash',
    createdAt: tick(),
  });
}

export async function newUsers(store: Store, count: number): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  for (let i = 0; i < count; i += 1) users.push(await newUser(store));
  return users;
}

export async function newGroup(
  store: Store,
  owner: UserRecord,
  others: readonly UserRecord[] = [],
  title = 'group',
): Promise<Conversation> {
  const members: { userId: string; role: Role }[] = [
    { userId: owner.id, role: 'owner' },
    ...others.map((user) => ({ userId: user.id, role: 'member' as const })),
  ];
  const { conversation } = await store.createConversation(
    { id: uid('conv'), kind: 'group', title, directKey: null, createdAt: tick() },
    members,
  );
  return conversation;
}

/** A channel owned by `owner` (private, everyone posts, unless `options` say otherwise). */
export async function newChannel(
  store: Store,
  owner: UserRecord,
  others: readonly UserRecord[] = [],
  options: Partial<Pick<NewConversation, 'title' | 'visibility' | 'postPolicy' | 'topic' | 'description'>> = {},
): Promise<Conversation> {
  const { conversation } = await store.createConversation(
    { id: uid('conv'), kind: 'channel', title: 'channel', directKey: null, createdAt: tick(), ...options },
    [{ userId: owner.id, role: 'owner' }, ...others.map((user) => ({ userId: user.id, role: 'member' as const }))],
  );
  return conversation;
}

export function text(body: string): MessageContent {
  return { type: 'text', text: body };
}

export function newMessage(
  conversationId: string,
  senderId: string,
  body = 'hello',
  clientId: string = uid('client'),
): NewMessage {
  return { id: uid('msg'), conversationId, senderId, clientId, content: text(body), createdAt: tick() };
}

export function directKey(a: UserRecord, b: UserRecord): string {
  return [a.id, b.id].sort().join(':');
}
