/**
 * Sentences for people, in either vocabulary: violation messages and expectation
 * descriptions. Kept apart from the checks so the same facts read in 4.x or 3.x names.
 */
import { peerEventName, stateName } from '../model/vocabulary';
import type { Vocabulary } from '../model/vocabulary';
import type { ConnectionState } from '../model/states';
import type { PeerEventName } from '../model/vocabulary';
import type { Expectation } from '../scenario/schema';
import type { Violation } from './types';

function st(state: ConnectionState | undefined, vocabulary: Vocabulary): string {
  return state === undefined ? '?' : stateName(state, vocabulary);
}

function ev(event: PeerEventName | undefined, vocabulary: Vocabulary): string {
  return event === undefined ? '?' : peerEventName(event, vocabulary);
}

/** A number of ms for display: integers as is, else one decimal. */
export function fmtMs(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(1);
}

/** The message of a violation in a vocabulary. */
export function violationMessage(
  v: Pick<Violation, 'code' | 'uid' | 'facts'>,
  vocabulary: Vocabulary,
): string {
  const f = v.facts;
  const who = `uid ${v.uid ?? 'null'}`;
  const arrow = `${st(f.from, vocabulary)} → ${st(f.to, vocabulary)}`;
  const kind = f.mediaType ? ` (${f.mediaType})` : '';
  const about = `${ev(f.event, vocabulary)}${kind} about uid ${f.peer ?? '?'}`;
  switch (v.code) {
    case 'state-no-uid':
      return `state record ${arrow} has no uid; state records belong to a local client`;
    case 'state-first':
      return `${who}: first state record is ${arrow}; a client starts ${st('DISCONNECTED', vocabulary)}`;
    case 'state-chain':
      return `${who}: ${arrow} does not follow the previous state ${st(f.expected, vocabulary)}`;
    case 'state-transition':
      return `${who}: ${arrow} is not a transition of the connection model`;
    case 'state-reason': {
      const allowed = f.allowedReasons ?? [];
      const expected = allowed.length === 0 ? 'no reason' : `one of ${allowed.join(', ')}`;
      return `${who}: ${arrow} carries ${f.reason === undefined ? 'no reason' : `reason ${f.reason}`}; expected ${expected}`;
    }
    case 'peer-no-observer':
      return `peer event ${about} has no observer uid`;
    case 'peer-self':
      return `${who} reports ${about}, which is itself`;
    case 'peer-not-joined':
      return `${who} reports ${about}, which is not in the channel (no ${ev('user-joined', vocabulary)} before)`;
    case 'peer-joined-twice':
      return `${who} reports ${about} again without ${ev('user-left', vocabulary)} in between`;
    case 'peer-left-twice':
      return `${who} reports ${about} twice without ${ev('user-joined', vocabulary)} in between`;
    case 'peer-published-twice':
      return `${who} reports ${about} again without ${ev('user-unpublished', vocabulary)} in between`;
    case 'peer-unpublished-not-published':
      return `${who} reports ${about}, which it had not reported as ${ev('user-published', vocabulary)}`;
    case 'peer-while-disconnected':
      return `${who} reports ${about} while it is ${st('DISCONNECTED', vocabulary)}`;
    case 'fault-end-without-start':
      return `fault ${f.faultId} ends but never started`;
    case 'fault-started-twice':
      return `fault ${f.faultId} starts a second time; fault ids must be unique`;
    case 'fault-ended-twice':
      return `fault ${f.faultId} ends a second time`;
    case 'time-backwards':
      return `t goes backwards (previous record at ${fmtMs(f.previousT ?? 0)} ms); t must not decrease with seq`;
  }
}

/** Describes an expectation, e.g. "uid 2 sees user-left of uid 1 17500–22500 ms after fault 0 starts". */
export function describeExpectation(e: Expectation, vocabulary: Vocabulary): string {
  let what: string;
  if (e.event !== undefined) {
    const kind = e.mediaType ? ` (${e.mediaType})` : '';
    const of = e.peer !== undefined ? ` of uid ${e.peer}` : '';
    what = `uid ${e.observer} sees ${peerEventName(e.event, vocabulary)}${kind}${of}`;
  } else if (e.candidatePair !== undefined) {
    what = `uid ${e.uid}${e.pc ? ` (${e.pc})` : ''} carries media on a ${e.candidatePair} candidate pair`;
  } else {
    what = `uid ${e.uid} enters ${e.state ? stateName(e.state, vocabulary) : '?'}`;
  }
  const [lo, hi] = e.withinMs;
  const anchor =
    e.afterFault !== undefined
      ? `after fault ${e.afterFault} starts`
      : e.afterFaultEnd !== undefined
        ? `after fault ${e.afterFaultEnd} ends`
        : 'after the start';
  return `${e.absent ? 'no: ' : ''}${what} ${fmtMs(lo)}–${fmtMs(hi)} ms ${anchor}`;
}
