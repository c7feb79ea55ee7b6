/**
 * The browser participant's pieces on their own, in headless Debian Chromium: the agent page,
 * a {@link BrowserPeerConnection} talking to a libwebrtc peer in Node (fake camera and
 * microphone decoded on the other side), the agent's errors, malformed events, and a page
 * that dies under its peer connections.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentEvent, type AgentPage } from '../../../src/lab/browser/agent-protocol';
import { BrowserMedia } from '../../../src/lab/browser/browser-media';
import { BrowserPeerConnection } from '../../../src/lab/browser/browser-peer-connection';
import { ChromiumHost, BrowserUnavailableError, chromiumPath } from '../../../src/lab/browser/chromium-host';
import { createPeerConnection } from '../../../src/lab/clients/engines';
import { waitFor } from '../../helpers/wait';

const haveChromium = existsSync(chromiumPath());

describe('agent events from a page', () => {
  it('accepts well-formed events and drops anything else without throwing', () => {
    expect(parseAgentEvent(JSON.stringify({ pc: 'pc1', kind: 'icecandidate', candidate: null }))).toEqual({
      pc: 'pc1',
      kind: 'icecandidate',
      candidate: null,
    });
    for (const bad of [
      '',
      '{',
      'null',
      '[]',
      JSON.stringify({ pc: 1, kind: 'icecandidate' }),
      JSON.stringify({ pc: 'x', kind: 'nope' }),
      42,
      undefined,
      'x'.repeat(5 * 1024 * 1024),
    ])
      expect(parseAgentEvent(bad)).toBeNull();
  });
});

describe('a Chromium that is not there', () => {
  it('fails with BROWSER_UNAVAILABLE and says what to install', async () => {
    const host = new ChromiumHost({ executablePath: '/nonexistent/chromium' });
    const error = await host.openPage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserUnavailableError);
    expect((error as Error).message).toMatch(/install Debian's chromium or set FAULTLINE_CHROMIUM/);
    await host.dispose();
  });
});

describe.skipIf(!haveChromium && !process.env['CI'])('the agent page in Chromium', () => {
  let host: ChromiumHost;
  let page: AgentPage;
  beforeAll(async () => {
    host = new ChromiumHost();
    page = await host.openPage();
  }, 60_000);
  afterAll(() => host.dispose());

  it('reports its own event-loop stall, at least as long as the page was blocked', async () => {
    const stalls: number[] = [];
    const off = page.onEvent((e) => {
      if (e.kind === 'stall') stalls.push(e.ms);
    });
    try {
      await page.call('spin', [400]);
      // The stall tick due during the spin runs after it: at least 400 ms − one 20 ms tick late.
      await waitFor(() => stalls.some((ms) => ms >= 380), 'a stall event of the 400 ms spin', 10_000);
    } finally {
      off();
    }
  });

  it('publishes the fake camera and microphone to a libwebrtc peer that decodes them', async () => {
    const errors: string[] = [];
    const media = new BrowserMedia(page, (m) => errors.push(m));
    const browser = new BrowserPeerConnection(page, {}, (m) => errors.push(m));
    const node = createPeerConnection('wrtc');
    try {
      // Loopback only, as in the lab.
      browser.onicecandidate = (e) => {
        if (e.candidate && / 127\.0\.0\.1 /.test(e.candidate.candidate))
          void node.addIceCandidate(e.candidate);
      };
      node.onicecandidate = (e) => {
        if (e.candidate && / 127\.0\.0\.1 /.test(e.candidate.candidate))
          void browser.addIceCandidate(e.candidate);
      };
      const states: string[] = [];
      browser.onconnectionstatechange = () => states.push(browser.connectionState);
      const video = media.createTrack('video');
      browser.addTransceiver(video, { direction: 'sendonly' });
      browser.addTransceiver(media.createTrack('audio'), { direction: 'sendonly' });
      expect(browser.getTransceivers()[0]!.sender.track).toBe(video);
      const offer = await browser.createOffer();
      await browser.setLocalDescription(offer);
      expect(browser.localDescription?.type).toBe('offer');
      expect(browser.signalingState).toBe('have-local-offer');
      await node.setRemoteDescription(offer);
      const answer = await node.createAnswer();
      await node.setLocalDescription(answer);
      await browser.setRemoteDescription(answer);
      expect(browser.getTransceivers().map((t) => t.mid)).toEqual(['0', '1']);

      await waitFor(() => states.includes('connected'), 'the browser PC connected', 15_000);
      let decoded = 0;
      let audioBytes = 0;
      await waitFor(
        async () => {
          (await node.getStats()).forEach((s) => {
            if (s['type'] === 'inbound-rtp' && s['kind'] === 'video')
              decoded = Number(s['framesDecoded'] ?? 0);
            if (s['type'] === 'inbound-rtp' && s['kind'] === 'audio')
              audioBytes = Number(s['bytesReceived'] ?? 0);
          });
          return decoded >= 10 && audioBytes > 1000;
        },
        '10 decoded frames and 1 kB of audio from Chromium',
        20_000,
      );
      expect(decoded).toBeGreaterThanOrEqual(10);
      const outbound: string[] = [];
      (await browser.getStats()).forEach((s) => {
        if (s['type'] === 'outbound-rtp') outbound.push(String(s['kind']));
      });
      expect(outbound.sort()).toEqual(['audio', 'video']);

      await browser.getTransceivers()[0]!.sender.replaceTrack(null);
      expect(browser.getTransceivers()[0]!.sender.track).toBeNull();
      expect(errors).toEqual([]);
    } finally {
      browser.close();
      node.close();
      media.dispose();
    }
    expect(browser.connectionState).toBe('closed');
  }, 60_000);

  it('names its Chromium processes (for resource reports), none left after dispose', async () => {
    const pids = host.pids();
    expect(pids.length).toBeGreaterThan(1);
    const other = new ChromiumHost();
    await (await other.openPage()).close();
    const theirs = other.pids();
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((p) => pids.includes(p))).toEqual([]);
    await other.dispose();
    // Exited processes (zombies until reaped) have no command line any more.
    await waitFor(() => other.pids().length === 0, 'the second Chromium gone', 10_000);
  }, 60_000);

  it('answers an unknown method or a missing PC with a clear error', async () => {
    await expect(page.call('nope', [])).rejects.toThrow(/unknown agent method nope/);
    await expect(page.call('createOffer', ['pc-missing', {}])).rejects.toThrow(
      /no peer connection pc-missing/,
    );
  });

  it('reports its peer connections failed when the page dies, and refuses later calls', async () => {
    const doomed = await host.openPage();
    const pc = new BrowserPeerConnection(doomed, {});
    const seen: string[] = [];
    pc.onconnectionstatechange = () => seen.push(pc.connectionState);
    pc.oniceconnectionstatechange = () => seen.push(`ice ${pc.iceConnectionState}`);
    await pc.createOffer();
    await doomed.close();
    expect(seen).toEqual(['ice failed', 'failed']);
    await expect(pc.createOffer()).rejects.toThrow(/closed/);
    pc.close();
  }, 30_000);
});
