/**
 * Calls on the wire: the 1:1 call object, the `call` message content that records
 * each call in its conversation, the signals (SDP, ICE candidates, media state)
 * relayed between the two devices in a call, and the ICE servers a client uses.
 * Parley signals and authorizes; media flows between the peers (or through TURN),
 * never through the Parley server. docs/protocol.md, "Calls", describes the flow.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, MessageId, SessionId, UserId } from './ids';

const Timestamp = Type.Integer({ minimum: 0, description: 'Epoch milliseconds' });

/** Call ids have the same shape as every other id. */
export const CallId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Call id (server assigned)' });
export type CallId = Static<typeof CallId>;

export const CallMedia = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
export type CallMedia = Static<typeof CallMedia>;

/** `ringing`: the callee's devices ring; `active`: one device accepted; `ended`: over, see `endReason`. */
export const CallState = Type.Union([Type.Literal('ringing'), Type.Literal('active'), Type.Literal('ended')]);
export type CallState = Static<typeof CallState>;

/**
 * Why a call ended: `hangup` (either side, after it was answered), `declined` (by the callee),
 * `cancelled` (by the caller before an answer), `busy` (the callee was in another call),
 * `missed` (nobody answered within `PARLEY_CALL_RING_SECONDS`), `disconnected` (a device in the
 * call stayed away longer than `PARLEY_CALL_RECONNECT_SECONDS`).
 */
export const CallEndReason = Type.Union([
  Type.Literal('hangup'),
  Type.Literal('declined'),
  Type.Literal('cancelled'),
  Type.Literal('busy'),
  Type.Literal('missed'),
  Type.Literal('disconnected'),
]);
export type CallEndReason = Static<typeof CallEndReason>;

/** A 1:1 call, as both people's devices see it. */
export const Call = Type.Object({
  id: CallId,
  conversationId: ConversationId,
  /** The `call` message recording it in the conversation. */
  messageId: MessageId,
  callerId: UserId,
  calleeId: UserId,
  media: CallMedia,
  state: CallState,
  /** The caller's device (session) placing the call. */
  callerDevice: SessionId,
  /** The callee's device that accepted; null until then. */
  calleeDevice: Type.Union([SessionId, Type.Null()]),
  startedAt: Timestamp,
  answeredAt: Type.Union([Timestamp, Type.Null()]),
  endedAt: Type.Union([Timestamp, Type.Null()]),
  endReason: Type.Union([CallEndReason, Type.Null()]),
  /** Who ended it (null: the server, for `missed`, `busy` and `disconnected`). */
  endedBy: Type.Union([UserId, Type.Null()]),
});
export type Call = Static<typeof Call>;

/**
 * What the call record says: `ringing`, `ongoing` (answered, not over), then one of
 * `answered` (with its duration), `missed`, `declined`, `cancelled`, `busy`.
 */
export const CallStatus = Type.Union([
  Type.Literal('ringing'),
  Type.Literal('ongoing'),
  Type.Literal('answered'),
  Type.Literal('missed'),
  Type.Literal('declined'),
  Type.Literal('cancelled'),
  Type.Literal('busy'),
]);
export type CallStatus = Static<typeof CallStatus>;

/**
 * The content of a call record: a message sent by the caller when the call starts, then
 * changed by `update` entries (action `call`) as the call goes, so it syncs, pages and
 * searches like any message. A call record from the other person counts as unread.
 */
export const CallContent = Type.Object({
  type: Type.Literal('call'),
  callId: CallId,
  media: CallMedia,
  status: CallStatus,
  answeredAt: Type.Optional(Timestamp),
  endedAt: Type.Optional(Timestamp),
  /** `answered`: from the answer to the end, in milliseconds. */
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type CallContent = Static<typeof CallContent>;

/** Longest SDP a signal may carry, in characters. */
export const MAX_SDP_CHARS = 64_000;

/** An ICE candidate as RTCIceCandidateInit (the empty string ends the candidates of a generation). */
export const IceCandidate = Type.Object(
  {
    candidate: Type.String({ maxLength: 2000 }),
    sdpMid: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    sdpMLineIndex: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()])),
    usernameFragment: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type IceCandidate = Static<typeof IceCandidate>;

/**
 * What one device in a call sends the other: a session description (`offer` or
 * `answer`; a new offer during the call renegotiates, e.g. an ICE restart or a screen
 * share), an ICE candidate, or its media state (muted, camera, screen) for the other's UI.
 */
export const CallSignal = Type.Union([
  Type.Object(
    {
      kind: Type.Union([Type.Literal('offer'), Type.Literal('answer')]),
      sdp: Type.String({ minLength: 1, maxLength: MAX_SDP_CHARS }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('candidate'), candidate: IceCandidate }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('media'),
      audio: Type.Boolean({ description: 'Microphone on (false: muted)' }),
      video: Type.Boolean({ description: 'Camera on' }),
      screen: Type.Optional(Type.Boolean({ description: 'Sharing the screen' })),
    },
    { additionalProperties: false },
  ),
]);
export type CallSignal = Static<typeof CallSignal>;

/** One entry of RTCConfiguration.iceServers. */
export const IceServer = Type.Object({
  urls: Type.Array(Type.String()),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});
export type IceServer = Static<typeof IceServer>;

/**
 * The ICE servers for this user's calls. `relay: false` means no TURN server is
 * configured: calls connect only where the peers reach each other directly (a LAN).
 */
export const IceServersResult = Type.Object({
  iceServers: Type.Array(IceServer),
  relay: Type.Boolean({ description: 'A TURN relay is configured' }),
  expiresAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When the TURN credentials stop working (fetch new ones before a call after that); null without TURN',
  }),
  iceTransportPolicy: Type.Union([Type.Literal('all'), Type.Literal('relay')], {
    description:
      'Put it in RTCConfiguration: `relay` when the server wants every call relayed (no address shown to the other side)',
  }),
});
export type IceServersResult = Static<typeof IceServersResult>;

// ---- frames (client -> server data) -----------------------------------------

export const CallStartData = Type.Object(
  { conversationId: ConversationId, media: CallMedia },
  { additionalProperties: false },
);
export const CallIdData = Type.Object({ callId: CallId }, { additionalProperties: false });
export const CallSignalData = Type.Object({ callId: CallId, signal: CallSignal }, { additionalProperties: false });
/** No data: `call.ice_servers` and `call.list`. */
export const IceServersData = Type.Object({}, { additionalProperties: false });

export const CallResult = Type.Object({ call: Call });
export const CallListResult = Type.Object({
  calls: Type.Array(Call, { description: 'Your calls that are ringing or answered, oldest first' }),
});

/** Server event: the call changed (every device of both people gets it). */
export const CallUpdatedData = Type.Object({ call: Call });
/** Server event: a signal from the other device in the call (only the two devices in it get them). */
export const CallSignalEventData = Type.Object({ callId: CallId, fromUserId: UserId, signal: CallSignal });
