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
