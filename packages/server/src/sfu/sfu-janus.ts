/**
 * The SFU port over Janus' VideoRoom plugin (Janus 1.x, multistream API). Rooms are
 * private (not listed), created with a per-publisher bitrate cap (so one participant's
 * stream cannot take a slow receiver's whole link) and VP8/Opus; each published feed
 * and each subscription is its own plugin handle. One more handle answers the
 * synchronous requests (create, destroy, listparticipants).
 */
import type { Logger } from '../ports/logger';
import { SfuFeedNotReady, type Sfu, type SfuHandle, type SfuPublisher } from '../ports/sfu';
import { JanusClient, JanusError, type JanusClientOptions } from './janus-client';

const PLUGIN = 'janus.plugin.videoroom';
/** VideoRoom's error codes that this adapter treats as answers, not failures. */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;
/** No such feed: also what a subscriber gets before the publisher's PeerConnection is up. */
const NO_SUCH_FEED = 428;

export interface JanusSfuOptions extends JanusClientOptions {
  /** Cap on each publisher's video bitrate, in bits per second (0: none). */
  bitrate: number;
}

class JanusHandle implements SfuHandle {
  constructor(readonly handleId: number) {}
  get id(): string {
    return String(this.handleId);
  }
}

export class JanusSfu implements Sfu {
  private readonly client: JanusClient;
  private control: Promise<number> | undefined;

  constructor(
    private readonly options: JanusSfuOptions,
    logger: Logger,
  ) {
    this.client = new JanusClient(options, logger.child({ component: 'janus' }));
  }

  private async ensureRoom(room: number, maxPublishers: number): Promise<void> {
    try {
      await this.sync({
        request: 'create',
        room,
        publishers: maxPublishers,
        is_private: true,
        permanent: false,
        bitrate: this.options.bitrate,
        audiocodec: 'opus',
        videocodec: 'vp8',
      });
    } catch (error) {
      if (!(error instanceof JanusError && error.code === ROOM_EXISTS)) throw error;
    }
  }

  async destroyRoom(room: number): Promise<void> {
    try {
      await this.sync({ request: 'destroy', room, permanent: false });
    } catch (error) {
      if (!(error instanceof JanusError && error.code === NO_SUCH_ROOM)) throw error;
    }
  }

  async publishers(room: number): Promise<SfuPublisher[]> {
    let data: Record<string, unknown>;
    try {
      data = await this.sync({ request: 'listparticipants', room });
    } catch (error) {
      if (error instanceof JanusError && error.code === NO_SUCH_ROOM) return [];
      throw error;
    }
    const list = Array.isArray(data.participants) ? (data.participants as Record<string, unknown>[]) : [];
    // Everyone who joined as a publisher, sending media yet (`publisher: true`) or still connecting.
    return list
      .filter((p) => typeof p.id === 'number')
      .map((p) => ({ feedId: p.id as number, label: typeof p.display === 'string' ? p.display : '' }));
  }

  async publish(
    room: number,
    maxPublishers: number,
    feedId: number,
    label: string,
    offerSdp: string,
  ): Promise<{ handle: SfuHandle; answerSdp: string }> {
    await this.ensureRoom(room, maxPublishers);
    try {
      return await this.join(room, feedId, label, offerSdp);
    } catch (error) {
      // The last participant left and destroyed the room between the two steps: make it again.
      if (!(error instanceof JanusError && error.code === NO_SUCH_ROOM)) throw error;
      await this.ensureRoom(room, maxPublishers);
      return this.join(room, feedId, label, offerSdp);
    }
  }

  private async join(
    room: number,
    feedId: number,
    label: string,
    offerSdp: string,
  ): Promise<{ handle: SfuHandle; answerSdp: string }> {
    const handleId = await this.client.attach(PLUGIN);
    try {
      const answer = await this.client.message(
        handleId,
        { request: 'joinandconfigure', ptype: 'publisher', room, id: feedId, display: label, audio: true, video: true },
        true,
        { type: 'offer', sdp: offerSdp },
      );
      if (answer.jsep?.type !== 'answer') throw new JanusError(0, 'the publisher got no answer');
      return { handle: new JanusHandle(handleId), answerSdp: answer.jsep.sdp };
    } catch (error) {
      await this.client.detach(handleId).catch(() => undefined);
      throw error;
    }
  }

  async relabel(handle: SfuHandle, label: string): Promise<void> {
    await this.client.message(this.idOf(handle), { request: 'configure', display: label }, true);
  }

  async subscribe(room: number, feedId: number): Promise<{ handle: SfuHandle; offerSdp: string }> {
    const handleId = await this.client.attach(PLUGIN);
    try {
      const answer = await this.client.message(
        handleId,
        { request: 'join', ptype: 'subscriber', room, streams: [{ feed: feedId }] },
        true,
      );
      if (answer.jsep?.type !== 'offer') throw new JanusError(0, 'the subscription got no offer');
      return { handle: new JanusHandle(handleId), offerSdp: answer.jsep.sdp };
    } catch (error) {
      await this.client.detach(handleId).catch(() => undefined);
      if (error instanceof JanusError && error.code === NO_SUCH_FEED) throw new SfuFeedNotReady(feedId);
      throw error;
    }
  }

  async answer(handle: SfuHandle, answerSdp: string): Promise<void> {
    await this.client.message(this.idOf(handle), { request: 'start' }, true, { type: 'answer', sdp: answerSdp });
  }

  async close(handle: SfuHandle): Promise<void> {
    try {
      await this.client.detach(this.idOf(handle));
    } catch (error) {
      // Gone already (its session ended or the publisher it watched left).
      if (!(error instanceof JanusError)) throw error;
    }
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  private idOf(handle: SfuHandle): number {
    return Number(handle.id);
  }

  /** A synchronous VideoRoom request on the control handle; resolves with the plugin's data. */
  private async sync(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.control ??= this.client.attach(PLUGIN).catch((error: unknown) => {
      this.control = undefined;
      throw error;
    });
    let handleId: number;
    try {
      handleId = await this.control;
    } catch (error) {
      this.control = undefined;
      throw error;
    }
    try {
      const answer = await this.client.message(handleId, body, false);
      return answer.plugindata?.data ?? {};
    } catch (error) {
      // A new Janus session (after a lost connection) knows no old handle: attach again next time.
      if (error instanceof JanusError && error.code !== NO_SUCH_ROOM && error.code !== ROOM_EXISTS) {
        this.control = undefined;
      }
      throw error;
    }
  }
}
