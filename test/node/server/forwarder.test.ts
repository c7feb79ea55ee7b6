import { RtpHeader, RtpPacket, type RTCRtpSender } from '../../../src/lab/server/sfu/werift';
import { describe, expect, it } from 'vitest';
import { Forwarder } from '../../../src/lab/server/sfu/forwarder';
import { isVp8KeyframeStart } from '../../../src/lab/server/sfu/vp8';

/** A sender stand-in that records what werift would be asked to send. */
function fakeSender(state = 'connected') {
  const sent: RtpPacket[] = [];
  const sender = {
    codec: { payloadType: 96 },
    dtlsTransport: { state },
    sendRtp: async (p: RtpPacket) => {
      sent.push(p);
    },
  };
  return { sender: sender as unknown as RTCRtpSender, sent, raw: sender };
}

const KEY = Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a]); // S=1, PID=0, P=0 → key frame start
const DELTA = Buffer.from([0x10, 0x01, 0x00]); // P=1 → inter frame
const MIDDLE = Buffer.from([0x00, 0xaa]); // continuation packet

function packet(ssrc: number, seq: number, ts: number, payload: Buffer): RtpPacket {
  return new RtpPacket(
    new RtpHeader({
      ssrc,
      sequenceNumber: seq,
      timestamp: ts,
      payloadType: 100,
      extensions: [{ id: 3, payload: Buffer.from([1]) }],
    }),
    payload,
  );
}

describe('VP8 key frame detection', () => {
  it('tells key frame starts from the rest', () => {
    expect(isVp8KeyframeStart(KEY)).toBe(true);
    expect(isVp8KeyframeStart(DELTA)).toBe(false);
    expect(isVp8KeyframeStart(MIDDLE)).toBe(false);
    expect(isVp8KeyframeStart(Buffer.alloc(0))).toBe(false);
    // Extended descriptor with a 15-bit picture id, then a key frame header.
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x00]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x01]))).toBe(false);
  });
});

describe('Forwarder', () => {
  it('holds video until a key frame, then rewrites seq/ts and strips header extensions', () => {
    const { sender, sent } = fakeSender();
    const f = new Forwarder('video', sender);
    expect(f.forward(packet(1, 10, 1000, DELTA), false)).toBe(false);
    expect(sent).toHaveLength(0);
    expect(f.forward(packet(1, 11, 4000, KEY), true)).toBe(true);
    f.forward(packet(1, 12, 4000, MIDDLE), false);
    f.forward(packet(1, 13, 7000, DELTA), false);
    expect(sent).toHaveLength(3);
    const seqs = sent.map((p) => p.header.sequenceNumber);
    expect(seqs[1]).toBe((seqs[0]! + 1) & 0xffff);
    expect(seqs[2]).toBe((seqs[0]! + 2) & 0xffff);
    expect(sent[1]!.header.timestamp).toBe(sent[0]!.header.timestamp);
    expect((sent[2]!.header.timestamp - sent[0]!.header.timestamp) >>> 0).toBe(3000);
    expect(sent.every((p) => p.header.extensions.length === 0)).toBe(true);
  });

  it('continues seq and ts across a source change (new SSRC, new random numbering)', async () => {
    const { sender, sent } = fakeSender();
    const f = new Forwarder('video', sender);
    f.forward(packet(1, 100, 90_000, KEY), true);
    f.forward(packet(1, 101, 93_000, DELTA), false);
    await new Promise((r) => setTimeout(r, 50));
    // The publisher's new PC: another SSRC, unrelated seq/ts. Held until its key frame.
    expect(f.forward(packet(2, 40_000, 7, DELTA), false)).toBe(false);
    f.forward(packet(2, 40_001, 3007, KEY), true);
    f.forward(packet(2, 40_002, 6007, DELTA), false);
    const [a, b, c, d] = sent.map((p) => p.header);
    expect(c!.sequenceNumber).toBe((b!.sequenceNumber + 1) & 0xffff);
    expect(d!.sequenceNumber).toBe((b!.sequenceNumber + 2) & 0xffff);
    const gap = (c!.timestamp - b!.timestamp) >>> 0;
    expect(gap).toBeGreaterThanOrEqual(90 * 40); // ≥ 40 ms of 90 kHz clock elapsed
    expect(gap).toBeLessThan(90 * 5000);
    expect((d!.timestamp - c!.timestamp) >>> 0).toBe(3000);
    expect(sent).toHaveLength(4);
    expect((a!.sequenceNumber + 1) & 0xffff).toBe(b!.sequenceNumber);
  });

  it('keeps the outgoing sequence gap-free across padding-only packets', () => {
    const { sender, sent } = fakeSender();
    const f = new Forwarder('audio', sender);
    f.forward(packet(5, 1, 960, Buffer.from([1])), true);
    f.forward(packet(5, 2, 960, Buffer.alloc(0)), true);
    f.forward(packet(5, 3, 1920, Buffer.from([2])), true);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.header.sequenceNumber).toBe((sent[0]!.header.sequenceNumber + 1) & 0xffff);
  });

  it('sends nothing before the sender is connected, then starts at a key frame', () => {
    const { sender, sent, raw } = fakeSender('new');
    const f = new Forwarder('video', sender);
    expect(f.forward(packet(1, 1, 0, KEY), true)).toBe(true);
    expect(sent).toHaveLength(0);
    raw.dtlsTransport.state = 'connected';
    expect(f.forward(packet(1, 2, 3000, DELTA), false)).toBe(false);
    expect(f.forward(packet(1, 3, 6000, KEY), true)).toBe(true);
    expect(sent).toHaveLength(1);
    f.close();
    f.forward(packet(1, 4, 6000, MIDDLE), false);
    expect(sent).toHaveLength(1);
  });
});
