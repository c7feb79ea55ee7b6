/**
 * Session and path events read straight from the records that state them: candidate-pair
 * changes (relay fallback named as such, a new local address as a network change), ICE restarts,
 * rejoins, device and negotiation errors of imported dumps, token expiry, being kicked or
 * banned, and restarts of the channel server.
 */
import type { MediaRecord } from '../trace/records';
import type { TraceView } from './context';
import type { DraftIncident } from './evidence';
import { candidatePairs, inRange, secs, uniqueSeqs, upperBound } from './evidence';

const timeOf = (x: { t: number }): number => x.t;

type End = MediaRecord['local'];

/** `relay`, `host`, … of a pair label `relay/udp`. */
function route(label: string | undefined): string {
  return (label ?? '').split('/')[0] ?? '';
}

/** How a selected-pair change reads: relay fallback, TCP fallback, network change, or a plain change. */
export function describePairChange(
  before: MediaRecord,
  after: MediaRecord,
): { cause: DraftIncident['cause']; text: string } | null {
  const from = before.value ?? '?';
  const to = after.value ?? '?';
  const addressChanged =
    endAddress(before.local) !== endAddress(after.local) && endAddress(after.local) !== null;
  if (from === to && !addressChanged) return null;
  if (route(from) !== 'relay' && route(to) === 'relay') {
    return {
      cause: { class: 'direct-udp-blocked', confidence: 0.7, params: { from, to } },
      text: `fell back from ${from} to the TURN relay (${to})`,
    };
  }
  if (from === 'relay/udp' && to === 'relay/tcp') {
    return {
      cause: { class: 'udp-blocked', confidence: 0.7, params: { from, to } },
      text: `fell back from TURN over UDP to TURN over TCP`,
    };
  }
  if (addressChanged) {
    return {
      cause: {
        class: 'network-change',
        confidence: 0.8,
        params: { from: endAddress(before.local) ?? '?', to: endAddress(after.local) ?? '?' },
      },
      text: `its local address changed (${endAddress(before.local)} → ${endAddress(after.local)})`,
    };
  }
  return { cause: { class: 'unknown', confidence: 0.3, params: { from, to } }, text: `${from} → ${to}` };
}

function endAddress(end: End): string | null {
  return end?.address ?? null;
}

/** Changes of a subject's selected candidate pair after its first one, per PC name. */
export function pairChanges(view: TraceView, subject: number): DraftIncident[] {
  const out: DraftIncident[] = [];
  const last = new Map<string, MediaRecord>();
  for (const m of candidatePairs(view, subject)) {
    const key = m.pc ?? '';
    const before = last.get(key);
    last.set(key, m);
    if (!before) continue;
    const change = describePairChange(before, m);
    if (!change) continue;
    const t = view.model(m.t);
    out.push({
      kind: 'candidate-pair-change',
      start: t,
      end: t,
      detectedAt: t,
      subject,
      direction: null,
      cause: change.cause,
      summary: `${view.label(subject)}${key ? ` ${key}` : ''}: ${change.text} at ${secs(t)}`,
      evidence: [before.seq, m.seq],
    });
  }
  return out;
}

/** ICE restarts: imported `ice-restart` offers, and the lab's media reconnects (start → end). */
export function iceRestarts(view: TraceView, subject: number): DraftIncident[] {
  const out: DraftIncident[] = [];
  const open = new Map<string, MediaRecord>();
  for (const m of view.media.get(subject) ?? []) {
    const t = view.model(m.t);
    if (m.event === 'ice-restart') {
      out.push(restart(view, subject, t, t, [m.seq], m.pc));
    } else if (m.event === 'media-reconnect-start') {
      open.set(m.pc ?? '', m);
    } else if (m.event === 'media-reconnect-end') {
      const begun = open.get(m.pc ?? '');
      open.delete(m.pc ?? '');
      if (begun) out.push(restart(view, subject, view.model(begun.t), t, [begun.seq, m.seq], m.pc));
    }
  }
  for (const begun of open.values())
    out.push(restart(view, subject, view.model(begun.t), null, [begun.seq], begun.pc));
  return out;
}

function restart(
  view: TraceView,
  subject: number,
  start: number,
  end: number | null,
  evidence: number[],
  pc?: string,
): DraftIncident {
  const span = end === null || end === start ? `at ${secs(start)}` : `${secs(start)}–${secs(end)}`;
  return {
    kind: 'ice-restart',
    start,
    end,
    detectedAt: start,
    subject,
    direction: null,
    cause: { class: 'unknown', confidence: 0.3, params: {} },
    summary: `${view.label(subject)}${pc ? ` ${pc}` : ''}: ICE restart ${span}${end === null ? ', never completed' : ''}`,
    evidence,
  };
}

/** Rejoins: a reconnect's first `start` to its `success` (or `giveup`). */
export function rejoins(view: TraceView, subject: number): DraftIncident[] {
  const out: DraftIncident[] = [];
  let first: { t: number; seq: number } | null = null;
  let attempts = 0;
  for (const r of view.reconnects.get(subject) ?? []) {
    if (r.phase === 'start') {
      first ??= { t: view.model(r.t), seq: r.seq };
      attempts++;
    } else if ((r.phase === 'success' || r.phase === 'giveup') && first) {
      const t = view.model(r.t);
      const ok = r.phase === 'success';
      out.push({
        kind: 'rejoin',
        start: first.t,
        end: t,
        detectedAt: first.t,
        subject,
        direction: null,
        cause: { class: 'unknown', confidence: 0.3, params: { attempts } },
        summary: `${view.label(subject)} ${ok ? 'rejoined' : 'gave up rejoining'} after ${attempts} attempt${attempts === 1 ? '' : 's'} (${secs(t - first.t)})`,
        evidence: [first.seq, r.seq],
      });
      first = null;
      attempts = 0;
    }
  }
  return out;
}

const DEVICE_EVENT = /^(getUserMedia|getDisplayMedia)(OnFailure|Failure|Error)?$/i;
const NEGOTIATION_FAILURE =
  /^(setRemoteDescription|setLocalDescription|createOffer|createAnswer|addIceCandidate)(OnFailure|Failed|Failure)$/i;

/** Device (`getUserMedia`) and negotiation failures of imported dumps (`log` records with `event`). */
export function apiFailures(view: TraceView): DraftIncident[] {
  const out: DraftIncident[] = [];
  for (const l of view.logs) {
    if (!l.event) continue;
    const failed = l.level === 'error' || /fail|error/i.test(l.event);
    if (!failed) continue;
    const t = view.model(l.t);
    const error = l.error ?? '';
    if (DEVICE_EVENT.test(l.event)) {
      out.push({
        kind: 'device-error',
        start: t,
        end: t,
        detectedAt: t,
        subject: l.uid,
        direction: 'up',
        cause: { class: 'local-device', confidence: 0.9, params: error ? { error } : {} },
        summary: `${view.label(l.uid)}: ${l.event} failed at ${secs(t)}${error ? `: ${error}` : ''}`,
        evidence: [l.seq],
      });
    } else if (NEGOTIATION_FAILURE.test(l.event)) {
      out.push({
        kind: 'negotiation-error',
        start: t,
        end: t,
        detectedAt: t,
        subject: l.uid,
        direction: null,
        cause: { class: 'unknown', confidence: 0.4, params: error ? { error } : {} },
        summary: `${view.label(l.uid)}: ${l.event} at ${secs(t)}${error ? `: ${error}` : ''}`,
        evidence: [l.seq],
      });
    }
  }
  return out;
}

const BANS = new Set(['UID_BANNED', 'CHANNEL_BANNED', 'SAME_UID_LOGIN']);
const TOKENS = new Set(['TOKEN_EXPIRE', 'INVALID_TOKEN']);

/** Token expiry and being kicked or banned: a client's state record names the reason. */
export function removals(view: TraceView, subject: number): DraftIncident[] {
  const out: DraftIncident[] = [];
  for (const s of view.states.get(subject) ?? []) {
    if (!s.reason || (!BANS.has(s.reason) && !TOKENS.has(s.reason))) continue;
    const t = view.model(s.t);
    const kicked = view.signals
      .get(subject)
      ?.findLast((g) => g.dir === 'rx' && g.msg === 'kicked' && g.t <= s.t);
    const start = kicked && t - view.model(kicked.t) < 5000 ? view.model(kicked.t) : t;
    const token = TOKENS.has(s.reason);
    out.push({
      kind: token ? 'token-expiry' : 'kicked',
      start,
      end: t,
      detectedAt: t,
      subject,
      direction: null,
      cause: { class: token ? 'credentials' : 'server-side', confidence: 0.9, params: { reason: s.reason } },
      summary: token
        ? `${view.label(subject)} was removed at ${secs(start)}: its token ${s.reason === 'TOKEN_EXPIRE' ? 'expired' : 'was refused'} (${s.reason})`
        : `${view.label(subject)} was removed by the server at ${secs(start)} (${s.reason})`,
      evidence: uniqueSeqs(kicked ? [kicked.seq] : [], [s.seq]),
    });
  }
  return out;
}

const SERVER_DOWN = /^server: (channel server closed|server process exited|channel server crashed)/;
const SERVER_UP = /^server: channel server listening/;

/**
 * Restarts of the channel server: the lab's server log says it closed or exited, or every client
 * connected at the time lost its socket with "server shutting down" (close 4004) within a second.
 * Ends when the server listens again (lab log) or the first client is back.
 */
export function serverRestarts(view: TraceView): DraftIncident[] {
  const out: DraftIncident[] = [];
  const downs: Array<{ t: number; seq: number }> = [];
  for (const l of view.logs)
    if (l.uid === null && SERVER_DOWN.test(l.msg)) downs.push({ t: view.model(l.t), seq: l.seq });
  const drops: Array<{ t: number; seq: number; uid: number; cause: string }> = [];
  for (const [uid, states] of view.states) {
    for (const s of states) {
      if (s.from === 'CONNECTED' && s.to === 'RECONNECTING' && s.cause)
        drops.push({ t: view.model(s.t), seq: s.seq, uid, cause: s.cause });
    }
  }
  drops.sort((a, b) => a.t - b.t);
  downs.sort((a, b) => a.t - b.t);
  const ups = view.logs
    .filter((l) => l.uid === null && SERVER_UP.test(l.msg))
    .map((l) => ({ t: view.model(l.t), seq: l.seq }))
    .sort((a, b) => a.t - b.t);
  const backs = [...view.states.values()]
    .flat()
    .filter((s) => s.from === 'RECONNECTING' && s.to === 'CONNECTED')
    .map((s) => ({ t: view.model(s.t), seq: s.seq }))
    .sort((a, b) => a.t - b.t);
  const upTimes = ups.map(timeOf);
  const backTimes = backs.map(timeOf);
  let i = 0;
  while (i < drops.length) {
    const group = inRange(drops, timeOf, drops[i]!.t, drops[i]!.t + 1000);
    const logs = inRange(downs, timeOf, drops[i]!.t - 2000, drops[i]!.t + 2000);
    const everyone =
      new Set(group.map((d) => d.uid)).size >= 2 && group.every((d) => d.cause.startsWith('socket-'));
    const shuttingDown = group.some((d) => d.cause === 'socket-closed-4004');
    if (logs.length > 0 || everyone || shuttingDown) {
      const start = Math.min(...group.map((d) => d.t), ...logs.map((l) => l.t));
      const up = ups[upperBound(upTimes, start)];
      const back = backs[upperBound(backTimes, start)];
      const end = up ? up.t : back ? back.t : null;
      out.push({
        kind: 'server-restart',
        start,
        end,
        detectedAt: Math.min(...group.map((d) => d.t)),
        subject: null,
        direction: null,
        cause: {
          class: 'server-side',
          confidence: logs.length > 0 ? 0.95 : 0.7,
          params: { clients: new Set(group.map((d) => d.uid)).size },
        },
        summary: `the channel server went away at ${secs(start)}${end === null ? ' and did not come back' : ` and was back at ${secs(end)}`}; ${group.length} client${group.length === 1 ? '' : 's'} lost signaling at once`,
        evidence: uniqueSeqs(
          group.map((d) => d.seq),
          logs.map((l) => l.seq),
          up ? [up.seq] : [],
          back ? [back.seq] : [],
        ),
      });
    }
    i += Math.max(1, group.length);
  }
  return out;
}
