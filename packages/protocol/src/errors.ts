/**
 * The error-code registry: every error the server can report, over WebSocket or
 * HTTP, with whether a retry can succeed and the HTTP status it maps to. Codes are
 * stable and never reused (P3); docs/protocol.md lists them from this table.
 */

export interface ErrorSpec {
  /** HTTP status used when the error answers an HTTP request. */
  readonly status: number;
  /** True when retrying the same request later may succeed. */
  readonly retryable: boolean;
  /** One line for the protocol reference. */
  readonly description: string;
}

export const ERROR_CODES = {
  bad_request: {
    status: 400,
    retryable: false,
    description: 'The frame or request body does not match its schema; `details` lists the problems.',
  },
  invalid_text: {
    status: 400,
    retryable: false,
    description:
      'A text carries a character Parley refuses (docs/protocol.md, "Text rules"): `details.field` names the field, `details.codePoint` the character (`U+0001`), `details.index` its offset in UTF-16 units and `details.reason` why (`control`, `lone_surrogate`, `noncharacter`).',
  },
  malformed_json: { status: 400, retryable: false, description: 'The frame is not valid JSON.' },
  unknown_frame: { status: 400, retryable: false, description: 'The frame `type` is not one this server knows.' },
  frame_too_large: {
    status: 413,
    retryable: false,
    description: 'The frame or request body exceeds the configured byte limit.',
  },
  message_too_large: {
    status: 413,
    retryable: false,
    description: 'The message text exceeds `PARLEY_MAX_MESSAGE_BYTES` (UTF-8 bytes).',
  },
  unsupported_protocol: {
    status: 426,
    retryable: false,
    description: 'The client protocol version is outside the range the server accepts.',
  },
  unauthenticated: {
    status: 401,
    retryable: false,
    description: 'No token was given, or a frame other than `auth` came before authentication.',
  },
  token_invalid: { status: 401, retryable: false, description: 'The token is unknown or its session was revoked.' },
  token_expired: {
    status: 401,
    retryable: false,
    description: 'The session behind the token has expired: log in again.',
  },
  already_authenticated: {
    status: 400,
    retryable: false,
    description: 'An `auth` frame arrived on a connection that is already authenticated.',
  },
  invalid_credentials: { status: 401, retryable: false, description: 'Wrong username or password.' },
  username_taken: { status: 409, retryable: false, description: 'Another account already uses this username.' },
  registration_closed: {
    status: 403,
    retryable: false,
    description:
      'Self sign-up is closed on this server (`PARLEY_REGISTRATION=closed`): an administrator creates accounts.',
  },
  invite_required: {
    status: 403,
    retryable: false,
    description:
      'Sign-up on this server needs a server invite code (registration `invite`): ask an administrator for one.',
  },
  weak_password: { status: 400, retryable: false, description: 'The password is shorter than the configured minimum.' },
  forbidden: {
    status: 403,
    retryable: false,
    description: 'Your role in the conversation does not allow this operation.',
  },
  not_member: { status: 403, retryable: false, description: 'You are not a member of this conversation.' },
  conversation_archived: {
    status: 403,
    retryable: false,
    description:
      'The group or channel is archived: it is read-only (no posts, reactions, edits, pins or joins) until its owner unarchives it.',
  },
  blocked: {
    status: 403,
    retryable: false,
    description: 'The other person has blocked you, or you have blocked them.',
  },
  privacy_restricted: {
    status: 403,
    retryable: false,
    description:
      'The person does not accept this from you (adding them to a conversation, reacting to their messages); `details.userIds` names them.',
  },
  banned: {
    status: 403,
    retryable: false,
    description: 'You are banned from this conversation; `details.expiresAt` says until when (null: until lifted).',
  },
  muted: {
    status: 403,
    retryable: false,
    description: 'A moderator muted you in this conversation until `details.mutedUntil`: you may read but not post.',
  },
  slow_mode: {
    status: 429,
    retryable: true,
    description: 'Slow mode: you may post again in `details.retryAfterMs`.',
  },
  edit_window_passed: {
    status: 403,
    retryable: false,
    description:
      'The message is older than `PARLEY_EDIT_WINDOW_SECONDS` (`details.editWindowSeconds`) and can no longer be edited.',
  },
  invite_invalid: {
    status: 404,
    retryable: false,
    description:
      'The invite code (of a conversation, or a server invite at sign-up) is unknown, revoked, expired or used up (`details.reason`).',
  },
  not_found: {
    status: 404,
    retryable: false,
    description: 'The user, conversation, session or message does not exist (or is not visible to you).',
  },
  client_id_conflict: {
    status: 409,
    retryable: false,
    description: 'This client message id was already used for a different message.',
  },
  invalid_operation: {
    status: 409,
    retryable: false,
    description: 'The operation does not apply to this target (for example adding members to a direct conversation).',
  },
  limit_reached: {
    status: 409,
    retryable: false,
    description:
      'A limit on the target is reached: distinct reactions on a message (`PARLEY_MAX_REACTIONS_PER_MESSAGE`), pins in a conversation (`PARLEY_MAX_PINS`) or your favourites (`PARLEY_MAX_FAVOURITES`); `details.limit` says which and `details.max` how many.',
  },
  file_too_large: {
    status: 413,
    retryable: false,
    description: 'The upload is larger than `PARLEY_MAX_FILE_BYTES`; refused at creation from `Upload-Length`.',
  },
  quota_exceeded: {
    status: 413,
    retryable: false,
    description: 'The upload would take you over your storage quota (`PARLEY_USER_QUOTA_BYTES`); delete files first.',
  },
  file_type_not_allowed: {
    status: 415,
    retryable: false,
    description: 'The file type (declared, then sniffed from the content) is not in `PARLEY_FILE_TYPES`.',
  },
  upload_unavailable: {
    status: 410,
    retryable: false,
    description:
      'The upload in progress is staged on another node of the cluster that this request could not reach (it stopped, or the load balancer does not route `/v1/uploads/<node>/` to it); `details.node` names it. The upload was dropped: start it again (the SDK does).',
  },
  file_not_ready: {
    status: 409,
    retryable: true,
    description: 'The upload has not finished (or is still being processed): finish it, then send.',
  },
  account_deactivated: {
    status: 403,
    retryable: false,
    description:
      'An administrator deactivated this account: it cannot log in by any way (HTTP, WebSocket, XMPP) until reactivated.',
  },
  second_factor_required: {
    status: 401,
    retryable: false,
    description:
      'The password was right and the account has two-factor authentication: send a TOTP or recovery code with `details.challenge` to `POST /v1/auth/login/second-factor` before `details.expiresAt`.',
  },
  second_factor_invalid: {
    status: 401,
    retryable: false,
    description:
      'The TOTP or recovery code is wrong, already used, or the login challenge expired (`details.reason`: `code`, `challenge`).',
  },
  sso_failed: {
    status: 401,
    retryable: false,
    description:
      'A single sign-on login did not finish. `details.reason` says why: `not_configured` (SSO is off), `state` (the login link expired, was used already or was started in another browser: start again), `provider` (the identity provider refused or answered wrongly, e.g. a wrong nonce or signature), `no_account` (no Parley account is linked to this identity and accounts are not created on first login: ask an administrator), `email_domain` (the identity has no verified e-mail address in an allowed domain), `username` (the username claim is missing, unusable or taken by another account), `deactivated` (an administrator deactivated the account), `code` (the one-time login code is unknown, expired or used).',
  },
  password_login_disabled: {
    status: 403,
    retryable: false,
    description:
      'This server allows only single sign-on (PARLEY_SSO_PASSWORD_LOGIN=off): password login, sign-up and XMPP password logins are refused. Use the "Sign in with" button.',
  },
  admin_required: { status: 403, retryable: false, description: 'Only a server administrator may do this.' },
  admin_two_factor_required: {
    status: 403,
    retryable: false,
    description:
      'The server requires administrators to use two-factor authentication: enable it (`POST /v1/me/2fa/setup`) before administering.',
  },
  e2ee_required: {
    status: 409,
    retryable: false,
    description:
      'The conversation is end-to-end encrypted: it accepts only MLS messages (`content.type: "mls"`), and the server cannot edit, react to, quote or forward their text.',
  },
  e2ee_not_encrypted: {
    status: 409,
    retryable: false,
    description: 'An MLS message or commit was sent to a conversation that is not end-to-end encrypted.',
  },
  e2ee_malformed: {
    status: 400,
    retryable: false,
    description:
      'Not a valid MLS message for this group: it does not decode, is of the wrong wire format or content type, names another group, or an epoch other than the one given; `details.reason` says which.',
  },
  e2ee_stale_epoch: {
    status: 409,
    retryable: true,
    description:
      'The commit is for an epoch the group has left (another device committed first); `details.epoch` is the current one: process the commits you missed, then commit again.',
  },
  e2ee_commit_required: {
    status: 409,
    retryable: true,
    description:
      'The group still holds devices of people who are no longer members (`details.deviceIds`): a commit must remove them before anything more is sent.',
  },
  e2ee_key_package_invalid: {
    status: 400,
    retryable: false,
    description:
      "A key package was refused: it does not decode, uses another cipher suite, its signature does not verify, or its credential or signature key is not the uploading device's (`details.index`, `details.reason`).",
  },
  e2ee_no_device: {
    status: 409,
    retryable: false,
    description:
      "The calling session is not a registered E2EE device (`POST /v1/e2ee/devices`), or it is not in the conversation's MLS group.",
  },
  call_in_progress: {
    status: 409,
    retryable: false,
    description:
      'You are already in a call (ringing or answered) on one of your devices: end it before starting another; `details.callId` names it.',
  },
  call_not_ringing: {
    status: 409,
    retryable: false,
    description:
      'The call is no longer ringing (answered on another device, declined, cancelled or missed) or is over: `details.call` is the call as it is now.',
  },
  group_call_unavailable: {
    status: 503,
    retryable: false,
    description:
      'Group calls cannot be joined here: `details.reason` is `not_configured` (the server has no SFU: PARLEY_JANUS_URL is unset), `unreachable` (the SFU does not answer; try later) or `direct` (a direct conversation: start a 1:1 call instead).',
  },
  group_call_full: {
    status: 409,
    retryable: false,
    description:
      'The group call already has PARLEY_GROUP_CALL_MAX_PARTICIPANTS participants (`details.maxParticipants`).',
  },
  group_call_feed_not_ready: {
    status: 409,
    retryable: true,
    description:
      'The participant joined but their media has not reached the SFU yet (`details.feedId`): subscribe again in a moment (the SDK retries).',
  },
  not_in_group_call: {
    status: 409,
    retryable: false,
    description:
      'This device is not in the group call of that conversation (join first), or the subscription it names is not its own.',
  },
  url_not_allowed: {
    status: 400,
    retryable: false,
    description:
      'A webhook URL or push endpoint is not http(s) (push endpoints: https, or http on loopback), carries credentials, or its host is (or resolves to) an internal address that the administrator did not allow (`PARLEY_OUTBOUND_ALLOW`).',
  },
  unknown_command: {
    status: 404,
    retryable: false,
    description:
      'No bot of this conversation has a command of that name (`details.command`), or the named bot is not a member here.',
  },
  ambiguous_command: {
    status: 409,
    retryable: false,
    description:
      'Several bots of this conversation have a command of that name: name one with `botId` (`details.botIds`).',
  },
  invalid_argument: {
    status: 400,
    retryable: false,
    description:
      'A command argument is missing, unknown or of the wrong type: `details.option` names it, `details.reason` says why (`missing`, `unknown`, `not_a_number`, `not_a_choice`, `unknown_user`, `too_long`).',
  },
  unknown_component: {
    status: 404,
    retryable: false,
    description: 'The message carries no component with that id (or a select option with that value).',
  },
  assistant_unavailable: {
    status: 409,
    retryable: false,
    description:
      'The AI assistant cannot answer here: `details.reason` is `not_configured` (this server has no assistant endpoint) or `not_member` (add the assistant to the conversation first; it reads only conversations it is a member of).',
  },
  interaction_closed: {
    status: 409,
    retryable: false,
    description:
      'The interaction was already answered or its deadline passed (`details.status`): the user was told the bot did not respond.',
  },
  invalid_components: {
    status: 400,
    retryable: false,
    description:
      "A message's components break a rule: only bots send them, at most 5 buttons and one select menu, ids unique (`details.reason`).",
  },
  message_rejected: {
    status: 422,
    retryable: false,
    description:
      'A pre-send hook of the server refused the message: `details.reason` is its reason, shown to the sender. Nothing was stored; the same client id may be sent again (changed).',
  },
  presend_unavailable: {
    status: 503,
    retryable: true,
    description:
      'A pre-send hook that must approve the message (policy `closed`) did not answer in time, failed, or is paused by its circuit breaker. Nothing was stored: retry later with the same client id.',
  },
  rate_limited: {
    status: 429,
    retryable: true,
    description: 'Too many requests: wait `details.retryAfterMs` and retry.',
  },
  internal: {
    status: 500,
    retryable: true,
    description: 'An unexpected server error; nothing was written. Retry with the same client id.',
  },
  unavailable: { status: 503, retryable: true, description: 'The server is starting or shutting down: retry later.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Structured error as carried on the wire. */
export interface WireError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function errorSpec(code: ErrorCode): ErrorSpec {
  return ERROR_CODES[code];
}
