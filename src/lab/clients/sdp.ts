/**
 * SDP helpers for the network-path seam: candidates never travel inside SDP bodies. Remote
 * candidates are taken out of the SDP and each goes through `NetworkPath.mapRemoteCandidate`;
 * local SDP is sent without them and local candidates are trickled through the path's filter.
 */
import type { CandidateInit } from '../network-path';

/** An SDP body without `a=candidate` lines, and the candidates that were in it. */
export interface SplitSdp {
  sdp: string;
  candidates: CandidateInit[];
}

/**
 * Removes every `a=candidate:` and `a=end-of-candidates` line, returning the candidates as candidate inits with the `sdpMid`,
 * `sdpMLineIndex` and `usernameFragment` of their media section.
 */
export function splitCandidates(sdp: string): SplitSdp {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const kept: string[] = [];
  const candidates: CandidateInit[] = [];
  let section: { index: number; mid: string | null; ufrag: string | null; found: string[] } | null = null;
  let sessionUfrag: string | null = null;
  let index = -1;
  const flush = () => {
    if (!section) return;
    for (const c of section.found) {
      candidates.push({
        candidate: c,
        sdpMid: section.mid,
        sdpMLineIndex: section.index,
        usernameFragment: section.ufrag ?? sessionUfrag,
      });
    }
  };
  for (const line of lines) {
    if (line.startsWith('m=')) {
      flush();
      index += 1;
      section = { index, mid: null, ufrag: null, found: [] };
    } else if (line.startsWith('a=mid:')) {
      if (section) section.mid = line.slice('a=mid:'.length).trim();
    } else if (line.startsWith('a=ice-ufrag:')) {
      const ufrag = line.slice('a=ice-ufrag:'.length).trim();
      if (section) section.ufrag = ufrag;
      else sessionUfrag = ufrag;
    } else if (line.startsWith('a=candidate:')) {
      if (section) section.found.push(line.slice(2));
      continue;
    } else if (line.startsWith('a=end-of-candidates')) {
      // Candidates travel apart from the SDP (trickled, through the path): an SDP that says
      // "no more candidates" would make a werift peer give up before they arrive.
      continue;
    }
    kept.push(line);
  }
  flush();
  return { sdp: kept.join(eol), candidates };
}

/** The SDP without its `a=candidate` lines. */
export function stripCandidates(sdp: string): string {
  return splitCandidates(sdp).sdp;
}

/** A remote track an SDP announces: its m-section's kind and mid, stream id (msid) and SSRCs. */
export interface AnnouncedTrack {
  kind: string;
  mid: string | null;
  /** The first `a=msid` value: on a `sub` offer, the publisher's UID in decimal (PROTOCOL.md). */
  streamId: string | null;
  ssrcs: number[];
}

/** The tracks of every m-section of an SDP that names a stream (`a=msid`) or an SSRC. */
export function announcedTracks(sdp: string): AnnouncedTrack[] {
  const out: AnnouncedTrack[] = [];
  let track: AnnouncedTrack | null = null;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      track = { kind: line.slice(2).split(' ')[0] ?? '', mid: null, streamId: null, ssrcs: [] };
      out.push(track);
    } else if (!track) {
      continue;
    } else if (line.startsWith('a=mid:')) {
      track.mid = line.slice('a=mid:'.length).trim();
    } else if (line.startsWith('a=msid:') && track.streamId === null) {
      track.streamId = line.slice('a=msid:'.length).trim().split(' ')[0] ?? null;
    } else if (line.startsWith('a=ssrc:')) {
      const ssrc = Number(line.slice('a=ssrc:'.length).split(' ')[0]);
      if (Number.isInteger(ssrc) && !track.ssrcs.includes(ssrc)) track.ssrcs.push(ssrc);
    }
  }
  return out.filter((t) => t.streamId !== null || t.ssrcs.length > 0);
}
