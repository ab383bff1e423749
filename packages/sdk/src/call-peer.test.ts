import type { Call, CallSignal } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallPeer } from './call-peer';
import type { CallsApi } from './calls-api';

/**
 * A peer connection with the two behaviours that decide candidate order: it refuses a
 * candidate before any remote description (as browsers do), and it may report a local
 * candidate before setLocalDescription's promise settles (Chromium did, on loopback).
 */
class FakePeerConnection {
  static candidateBeforeSettle = true;
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  signalingState = 'stable';
  added: string[] = [];
  onicecandidate: ((event: { candidate: { toJSON(): unknown } | null }) => void) | null = null;
  ontrack = null;
  onconnectionstatechange = null;
  onnegotiationneeded: (() => void) | null = null;
  addTrack(): void {}
  setLocalDescription(): Promise<void> {
    const type = this.remoteDescription?.type === 'offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: `${type}-sdp` };
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
    const report = () => this.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: `${type}-candidate` }) } });
    if (FakePeerConnection.candidateBeforeSettle) report();
    else setTimeout(report, 0);
    return Promise.resolve();
  }
  setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    return Promise.resolve();
  }
  addIceCandidate(candidate: { candidate: string }): Promise<void> {
    if (this.remoteDescription === null) return Promise.reject(new Error('InvalidStateError: no remote description'));
    this.added.push(candidate.candidate);
    return Promise.resolve();
  }
  close(): void {}
}

/** A `client.calls` stand-in that records what a device sends and lets a test deliver signals. */
function fakeCalls(deviceId: string) {
  const sent: CallSignal[] = [];
  let deliver: (payload: { callId: string; signal: CallSignal }) => void = () => undefined;
  const calls = {
    deviceId,
    signal: (_callId: string, signal: CallSignal) => {
      sent.push(signal);
      return Promise.resolve();
    },
    on: (_event: string, handler: typeof deliver) => {
      deliver = handler;
      return () => undefined;
    },
  } as unknown as CallsApi;
  return { calls, sent, deliver: (signal: CallSignal) => deliver({ callId: 'call1', signal }) };
}

const call = { id: 'call1', callerDevice: 'alice-device', calleeDevice: 'bob-device' } as Call;
const localStream = {
  getTracks: () => [],
  getVideoTracks: () => [],
  getAudioTracks: () => [],
} as unknown as MediaStream;

function peerFor(deviceId: string, pending: CallSignal[] = []) {
  const side = fakeCalls(deviceId);
  const errors: unknown[] = [];
  const peer = new CallPeer({
    calls: side.calls,
    call,
    localStream,
    iceServers: [],
    pending,
    RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
  });
  peer.on('error', (error) => errors.push(error));
  return { ...side, peer, pc: peer.pc as unknown as FakePeerConnection, errors };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
/** What a side sent, in order, leaving out its media state (sent at start, in any order). */
const kinds = (signals: CallSignal[]) =>
  signals.filter((s) => s.kind !== 'media').map((s) => (s.kind === 'candidate' ? s.candidate.candidate : s.kind));

describe('CallPeer candidate order', () => {
  const realMediaStream = globalThis.MediaStream;
  beforeAll(() => {
    globalThis.MediaStream = class {
      getTracks = () => [];
      addTrack(): void {}
    } as unknown as typeof MediaStream;
  });
  afterAll(() => {
    globalThis.MediaStream = realMediaStream;
  });

  it.each([true, false])(
    'sends each description before its candidates (candidate reported before the promise settles: %s)',
    async (early) => {
      FakePeerConnection.candidateBeforeSettle = early;
      const alice = peerFor('alice-device');
      const bob = peerFor('bob-device');
      alice.peer.start();
      bob.peer.start();
      await settle();
      expect(kinds(alice.sent)).toEqual(['offer', 'offer-candidate']);
      for (const signal of alice.sent) bob.deliver(signal);
      await settle();
      expect(kinds(bob.sent)).toEqual(['answer', 'answer-candidate']);
      for (const signal of bob.sent) alice.deliver(signal);
      await settle();
      expect(alice.pc.added).toEqual(['answer-candidate']);
      expect(bob.pc.added).toEqual(['offer-candidate']);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    },
  );

  it('adds a candidate that arrived before its description once the description is set', async () => {
    const alice = peerFor('alice-device');
    alice.peer.start();
    await settle();
    alice.deliver({ kind: 'candidate', candidate: { candidate: 'answer-candidate' } });
    await settle();
    expect(alice.pc.added).toEqual([]);
    alice.deliver({ kind: 'answer', sdp: 'answer-sdp' });
    await settle();
    expect(alice.pc.added).toEqual(['answer-candidate']);
    expect(alice.errors).toEqual([]);
  });

  it('handles signals that came before the peer existed, in order', async () => {
    const bob = peerFor('bob-device', [
      { kind: 'candidate', candidate: { candidate: 'offer-candidate' } },
      { kind: 'offer', sdp: 'offer-sdp' },
    ]);
    bob.peer.start();
    await settle();
    expect(bob.pc.added).toEqual(['offer-candidate']);
    expect(kinds(bob.sent)).toEqual(['answer', 'answer-candidate']);
    expect(bob.errors).toEqual([]);
  });

  it("lets the callee renegotiate only after the first answer (an early offer would cross the caller's)", async () => {
    FakePeerConnection.candidateBeforeSettle = false;
    const alice = peerFor('alice-device');
    const bob = peerFor('bob-device');
    alice.peer.start();
    bob.peer.start();
    // The callee's tracks ask for a negotiation as soon as it starts: it must wait for the offer.
    bob.pc.onnegotiationneeded?.();
    await settle();
    expect(kinds(bob.sent)).toEqual([]);
    for (const signal of alice.sent) bob.deliver(signal);
    await settle();
    expect(kinds(bob.sent)).toEqual(['answer', 'answer-candidate']);
    // Once negotiated, a change on either side (an ICE restart, a new track) makes a new offer.
    bob.sent.length = 0;
    bob.pc.remoteDescription = null;
    bob.pc.onnegotiationneeded?.();
    await settle();
    expect(kinds(bob.sent)).toEqual(['offer', 'offer-candidate']);
  });
});
