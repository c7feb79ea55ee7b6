/**
 * What the real-dump tests hold an imported browser dump to, shared by the end-to-end test that
 * makes the dumps in Debian Chromium and the unit test that reads the kept fixtures: every state
 * change the page saw is in the trace with its state, at the page's time within 50 ms; stats
 * samples carry packets before the cut and none received during it. Also the scrubber that keeps
 * SDP, ICE credentials and TURN logins out of a fixture.
 */
import type { ImportResult } from '../../src/shared/support/import';
import type { MediaRecord, StatsRecord } from '../../src/shared/trace/records';

/** How far (ms) an imported state change may lie from the moment the page saw it. */
export const STATE_TOLERANCE_MS = 50;

/** One state change as the page saw it (see test/e2e/helpers/call-page.ts). */
export interface SeenChange {
  pc: number;
  event: 'ice-state' | 'pc-state';
  value: string;
  /** Epoch ms the browser made the change's event (in the task that logged the change). */
  at: number;
  /** Epoch ms the page's listener ran (later on a busy renderer; absent in older notes). */
  heardAt?: number;
}

/** What the e2e test recorded next to the dumps. */
export interface CallNotes {
  seen: SeenChange[];
  /** Epoch ms: coturn stopped (SIGSTOP) and resumed (SIGCONT). */
  cutAt: number;
  resumeAt: number;
}

/** Epoch ms of an imported record. */
export function epochOf(r: ImportResult, t: number): number {
  return Date.parse(r.header.startedAt) + t;
}

/**
 * Each change the page saw, against the imported record of the same PC, event and state (the
 * k-th such change against the k-th such record): the offsets in ms, and what is missing.
 */
export function stateOffsets(
  r: ImportResult,
  seen: readonly SeenChange[],
): { offsets: number[]; missing: string[] } {
  const used = new Map<string, number>();
  const offsets: number[] = [];
  const missing: string[] = [];
  const media = r.records.filter((x): x is MediaRecord => x.type === 'media');
  for (const s of seen) {
    const key = `${s.pc}|${s.event}|${s.value}`;
    const k = used.get(key) ?? 0;
    used.set(key, k + 1);
    const match = media.filter((m) => m.uid === s.pc && m.event === s.event && m.value === s.value)[k];
    if (!match) missing.push(key);
    else offsets.push(epochOf(r, match.t) - s.at);
  }
  return { offsets, missing };
}

/** Packets the PC received in its stats samples that lie wholly before, or inside, the cut. */
export function receivedAround(
  r: ImportResult,
  uid: number,
  notes: CallNotes,
): { before: number; during: number; samplesDuring: number } {
  let before = 0;
  let during = 0;
  let samplesDuring = 0;
  for (const s of r.records) {
    if (s.type !== 'stats' || s.uid !== uid) continue;
    const stats = s as StatsRecord;
    const end = epochOf(r, stats.t);
    const start = end - (stats.intervalMs ?? 1000);
    const got = (stats.kinds?.audio?.receivedPackets ?? 0) + (stats.kinds?.video?.receivedPackets ?? 0);
    if (end <= notes.cutAt) before += got;
    // Well inside the cut: after the packets in flight were delivered, before coturn resumed.
    if (start >= notes.cutAt + 500 && end <= notes.resumeAt) {
      during += got;
      samplesDuring++;
    }
  }
  return { before, during, samplesDuring };
}

const SECRET_KEYS = /^(credential|username|password)$/i;

/** A copy of a parsed dump value without SDP bodies, ICE ufrag/pwd or TURN logins. */
export function scrub(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/(^|")v=0\\r\\n|^v=0\r\n|"sdp"/.test(value)) return '[sdp removed]';
    return value
      .replace(/ufrag \S+/g, 'ufrag [removed]')
      .replace(/"(credential|username)":"[^"]*"/g, '"$1":"[removed]"');
  }
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.test(k)) out[k] = '[removed]';
      else if (k === 'sdp') out[k] = '[sdp removed]';
      else out[k] = scrub(v);
    }
    return out;
  }
  return value;
}

/** {@link scrub} for an rtcstats dump, line by line (lines that are not JSON stay as they are). */
export function scrubRtcstats(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      try {
        return JSON.stringify(scrub(JSON.parse(line)));
      } catch {
        return line;
      }
    })
    .join('\n');
}
