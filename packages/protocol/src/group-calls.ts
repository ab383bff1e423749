/**
 * Group calls on the wire: a call in a group or channel is a room on the SFU (Janus'
 * VideoRoom) that members join and leave at any time. Clients never talk to the SFU's
 * API: they send their session descriptions to Parley, which relays them to the SFU
 * and answers with the SFU's; only media flows between a browser and the SFU. Each
 * participant publishes one feed (audio, video, or the screen in place of the camera)
 * and subscribes to the feeds of the others, one subscription per feed. Descriptions
 * carry their ICE candidates (gathering finished before sending): there is no trickle.
 * docs/protocol.md, "Group calls", describes the flow.
 */
import { Type, type Static } from 'typebox';
import { MAX_SDP_CHARS } from './calls';
import { ConversationId, SessionId, UserId } from './ids';

/** A participant's feed on the SFU (Janus' publisher id: a positive safe integer). */
export const FeedId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Feed id' });
export type FeedId = Static<typeof FeedId>;

/** One device in a group call, with what it sends. */
export const GroupCallParticipant = Type.Object({
  userId: UserId,
  /** The device (session) in the call (one person may be in it from several devices). */
  sessionId: SessionId,
  feedId: FeedId,
  audio: Type.Boolean({ description: 'Microphone on (false: muted)' }),
  video: Type.Boolean({ description: 'Camera on' }),
  screen: Type.Boolean({ description: 'Sharing the screen (sent in place of the camera)' }),
});
export type GroupCallParticipant = Static<typeof GroupCallParticipant>;

/** The media state a participant announces. */
export const GroupCallMedia = Type.Object(
  { audio: Type.Boolean(), video: Type.Boolean(), screen: Type.Boolean() },
  { additionalProperties: false },
);
export type GroupCallMedia = Static<typeof GroupCallMedia>;

/**
 * Why group calls cannot be joined here: `not_configured` (the server has no SFU,
 * PARLEY_JANUS_URL unset), `unreachable` (the SFU does not answer), `direct` (a direct
 * conversation: call the other person instead).
 */
export const GroupCallUnavailableReason = Type.Union([
  Type.Literal('not_configured'),
  Type.Literal('unreachable'),
  Type.Literal('direct'),
]);
export type GroupCallUnavailableReason = Static<typeof GroupCallUnavailableReason>;

/** A conversation's group call as a member sees it (no participants: no call in progress). */
export const GroupCallState = Type.Object({
  conversationId: ConversationId,
  available: Type.Boolean({ description: 'Whether a group call can be joined here' }),
  reason: Type.Optional(GroupCallUnavailableReason),
  maxParticipants: Type.Integer({ minimum: 0, description: 'PARLEY_GROUP_CALL_MAX_PARTICIPANTS' }),
  participants: Type.Array(GroupCallParticipant),
});
export type GroupCallState = Static<typeof GroupCallState>;

const Sdp = Type.String({ minLength: 1, maxLength: MAX_SDP_CHARS });

// ---- frames (client -> server data) -----------------------------------------

/** Joins (creating the room if nobody is in it) and publishes: `sdp` is the device's offer. */
export const GroupCallJoinData = Type.Object(
  { conversationId: ConversationId, sdp: Sdp, media: GroupCallMedia },
  { additionalProperties: false },
);
export const GroupCallJoinResult = Type.Object({
  /** The SFU's answer to the offer. */
  sdp: Type.String(),
  /** This device's feed. */
  feedId: FeedId,
  /** Everyone in the call, this device included. */
  participants: Type.Array(GroupCallParticipant),
});

export const GroupCallConversationData = Type.Object(
  { conversationId: ConversationId },
  { additionalProperties: false },
);

/** Subscribes to one participant's feed: the answer carries the SFU's offer. */
export const GroupCallSubscribeData = Type.Object(
  { conversationId: ConversationId, feedId: FeedId },
  { additionalProperties: false },
);
export const GroupCallSubscribeResult = Type.Object({
  subscriptionId: Type.String({ description: 'Names this subscription in group_call.answer and .unsubscribe' }),
  /** The SFU's offer for the feed. */
  sdp: Type.String(),
});

export const GroupCallAnswerData = Type.Object(
  { conversationId: ConversationId, subscriptionId: Type.String({ maxLength: 64 }), sdp: Sdp },
  { additionalProperties: false },
);
export const GroupCallUnsubscribeData = Type.Object(
  { conversationId: ConversationId, subscriptionId: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);
export const GroupCallMediaData = Type.Object(
  { conversationId: ConversationId, media: GroupCallMedia },
  { additionalProperties: false },
);
export const GroupCallStateResult = Type.Object({ call: GroupCallState });

/**
 * Server event to every member's devices: someone joined, left, or changed their media
 * (muted, camera, screen). `participants` is the call after the change.
 */
export const GroupCallUpdatedData = Type.Object({
  conversationId: ConversationId,
  change: Type.Union([Type.Literal('joined'), Type.Literal('left'), Type.Literal('media')]),
  participant: GroupCallParticipant,
  participants: Type.Array(GroupCallParticipant),
});
