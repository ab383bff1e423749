/**
 * The permission matrix lives in @parley/protocol, so that clients show only what a
 * member may do; the server decides with the same table. Services import it from here
 * (the domain), like every other rule.
 */
export { authorize, atLeast, MODERATING_ROLES, ROLES } from '@parley/protocol';
export type { Facts, Operation, Refusal } from '@parley/protocol';
