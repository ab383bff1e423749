/**
 * What the UI offers a member: the protocol's permission matrix (the one the server
 * decides with), used only to show or hide actions. The server decides; a refused
 * action shows the server's error.
 */
import { authorize, type ConversationKind, type Operation, type PostPolicy, type Role } from '@parley/protocol';

export type Action = Exclude<Operation, 'read' | 'leave'>;

export interface Seat {
  kind: ConversationKind;
  postPolicy: PostPolicy;
  role: Role | undefined;
  /** The group or channel is archived: every write is refused (`conversation_archived`). */
  archived?: boolean;
}

/** May a member with this role do `action` here? (`targetRole`: the member acted on, who must rank lower.) */
export function can(action: Action, seat: Seat, targetRole?: Role): boolean {
  return authorize(action, { ...seat, targetRole }) === null;
}
