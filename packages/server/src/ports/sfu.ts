/**
 * The media-backend port for group calls: an SFU that holds rooms, takes one published
 * feed per participant and forwards it to the participants that subscribe. Parley is
 * its only API client (clients send their session descriptions through Parley); media
 * flows between browsers and the SFU only. sfu/sfu-janus.ts implements it over Janus'
 * VideoRoom; another SFU could replace it behind the same methods.
 *
 * Handles (a published feed, a subscription) belong to the node that opened them: an
 * SFU session lives as long as the connection of the node to the SFU.
 */

/**
 * The feed exists but sends no media yet (its device is still connecting to the SFU):
 * a subscription can be asked again in a moment.
 */
export class SfuFeedNotReady extends Error {
  constructor(readonly feedId: number) {
    super(`feed ${feedId} is not sending media yet`);
  }
}

/** A participant as the SFU knows it: its feed and the label Parley gave it. */
export interface SfuPublisher {
  feedId: number;
  /** Set by Parley at publish time and changed by `relabel` (the participant's state). */
  label: string;
}

/** An open handle on the SFU (a published feed or one subscription). */
export interface SfuHandle {
  readonly id: string;
}

export interface Sfu {
  /** Destroys the room (nothing if it is gone already). */
  destroyRoom(room: number): Promise<void>;
  /** The feeds published in the room now (empty when the room does not exist). */
  publishers(room: number): Promise<SfuPublisher[]>;
  /**
   * Joins the room as `feedId` and publishes the offer; resolves with the SFU's answer.
   * Creates the room (for `maxPublishers`) when it does not exist: another node may have
   * made it, or destroyed it a moment ago.
   */
  publish(
    room: number,
    maxPublishers: number,
    feedId: number,
    label: string,
    offerSdp: string,
  ): Promise<{ handle: SfuHandle; answerSdp: string }>;
  /** Changes a published feed's label (media state), seen by `publishers`. */
  relabel(handle: SfuHandle, label: string): Promise<void>;
  /** Subscribes to one feed; resolves with the SFU's offer. Throws SfuFeedNotReady before its media is up. */
  subscribe(room: number, feedId: number): Promise<{ handle: SfuHandle; offerSdp: string }>;
  /** Completes a subscription with the device's answer; media starts flowing. */
  answer(handle: SfuHandle, answerSdp: string): Promise<void>;
  /** Leaves and releases a handle (unpublishes a feed, ends a subscription). */
  close(handle: SfuHandle): Promise<void>;
  stop(): Promise<void>;
}
