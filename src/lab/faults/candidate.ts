/**
 * ICE candidate strings and SDP candidate lines: parse, rewrite the transport address, and pull
 * the `a=candidate` lines out of an SDP so they can travel one by one through
 * {@link NetworkPath.mapRemoteCandidate}. Pure string work (RFC 8839 §5.1 grammar).
 */
import type { CandidateInit } from '../network-path';
import { CodedError } from '../../shared/errors';

/** Thrown for a candidate string that does not follow the RFC 8839 grammar. */
export class CandidateParseError extends CodedError<'INVALID_CANDIDATE'> {
  override readonly name = 'CandidateParseError';
  /** @param message what is wrong; @param input the offending text (truncated for display) */
  constructor(
    message: string,
    readonly input: string,
  ) {
    super('INVALID_CANDIDATE', `${message}: "${input.length > 120 ? `${input.slice(0, 117)}...` : input}"`);
  }
}

/** The fields of one ICE candidate; `extensions` keeps every trailing name/value pair in order. */
export interface ParsedCandidate {
  /** `a=candidate:` (SDP attribute) or `candidate:` (trickle form), kept when formatting. */
  prefix: 'a=candidate:' | 'candidate:';
  foundation: string;
  component: number;
  /** Transport as written (`udp`, `UDP`, `tcp`). */
  transport: string;
  priority: number;
  address: string;
  port: number;
  /** `host`, `srflx`, `prflx` or `relay`. */
  type: string;
  /** Trailing pairs after `typ <type>`, e.g. `raddr`, `rport`, `generation`, `ufrag`. */
  extensions: Array<[name: string, value: string]>;
}

const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);

function parseIntField(text: string | undefined, name: string, max: number, input: string): number {
  if (text === undefined || !/^\d{1,10}$/.test(text)) {
    throw new CandidateParseError(`candidate ${name} must be a non-negative integer`, input);
  }
  const value = Number(text);
  if (value > max) throw new CandidateParseError(`candidate ${name} ${value} is out of range`, input);
  return value;
}

/**
 * Parses `candidate:…` or `a=candidate:…`. Throws {@link CandidateParseError} naming the bad
 * field; never returns a half-parsed candidate.
 */
export function parseCandidate(text: string): ParsedCandidate {
  if (typeof text !== 'string') throw new CandidateParseError('candidate must be a string', String(text));
  const trimmed = text.trim();
  let prefix: ParsedCandidate['prefix'];
  if (trimmed.startsWith('a=candidate:')) prefix = 'a=candidate:';
  else if (trimmed.startsWith('candidate:')) prefix = 'candidate:';
  else throw new CandidateParseError('candidate must start with "candidate:" or "a=candidate:"', trimmed);
  const parts = trimmed.slice(prefix.length).split(/\s+/);
  if (parts.length < 8) throw new CandidateParseError('candidate has fewer than 8 fields', trimmed);
  const [foundation, component, transport, priority, address, port, typ, type, ...rest] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    ...string[],
  ];
  if (!/^[A-Za-z0-9+/]{1,32}$/.test(foundation)) {
    throw new CandidateParseError('candidate foundation must be 1-32 ice-chars', trimmed);
  }
  if (!/^[A-Za-z0-9-]+$/.test(transport))
    throw new CandidateParseError('candidate transport is invalid', trimmed);
  if (address.length === 0 || /[\s]/.test(address)) {
    throw new CandidateParseError('candidate address is empty', trimmed);
  }
  if (typ !== 'typ') throw new CandidateParseError('candidate is missing "typ" after the port', trimmed);
  if (!CANDIDATE_TYPES.has(type)) {
    throw new CandidateParseError(`candidate type "${type}" is not host, srflx, prflx or relay`, trimmed);
  }
  if (rest.length % 2 !== 0) {
    throw new CandidateParseError('candidate extensions must come in name/value pairs', trimmed);
  }
  const extensions: Array<[string, string]> = [];
  for (let i = 0; i < rest.length; i += 2) extensions.push([rest[i]!, rest[i + 1]!]);
  return {
    prefix,
    foundation,
    component: parseIntField(component, 'component', 256, trimmed),
    transport,
    priority: parseIntField(priority, 'priority', 0xffffffff, trimmed),
    address,
    port: parseIntField(port, 'port', 65535, trimmed),
    type,
    extensions,
  };
}

/** Writes a parsed candidate back to text, in the same form (`a=` or not) it was read from. */
export function formatCandidate(c: ParsedCandidate): string {
  const head = `${c.prefix}${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  return c.extensions.length === 0 ? head : `${head} ${c.extensions.map(([k, v]) => `${k} ${v}`).join(' ')}`;
}

/**
 * Returns the candidate text with its transport address replaced; foundation, component,
 * priority, type and extensions are kept so the ICE agent pairs and prioritises it as before.
 */
export function rewriteCandidateAddress(text: string, address: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CandidateParseError(`rewrite port ${port} is not 1-65535`, text);
  }
  if (address.length === 0 || /\s/.test(address))
    throw new CandidateParseError('rewrite address is empty', text);
  return formatCandidate({ ...parseCandidate(text), address, port });
}

/** Copies a candidate init with a new transport address (sdpMid, sdpMLineIndex, ufrag kept). */
export function rewriteCandidateInit(init: CandidateInit, address: string, port: number): CandidateInit {
  return { ...init, candidate: rewriteCandidateAddress(init.candidate, address, port) };
}

/** One candidate taken out of an SDP, in the shape `addIceCandidate` accepts. */
export interface SdpCandidate {
  /** `candidate:…` (without `a=`), as trickle ICE carries it. */
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number;
}

/**
 * Removes every `a=candidate` line (and `a=end-of-candidates`, which would otherwise tell the
 * remote agent that no candidate follows) from an SDP and returns them with the media section
 * they belonged to, so each can be passed through `mapRemoteCandidate` and trickled instead.
 * Line endings (CRLF or LF) are preserved. Candidates before the first `m=` line (not legal)
 * are dropped with the other session-level lines kept.
 */
export function splitSdpCandidates(sdp: string): { sdp: string; candidates: SdpCandidate[] } {
  if (typeof sdp !== 'string') throw new TypeError('splitSdpCandidates: sdp must be a string');
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const kept: string[] = [];
  const candidates: Array<{ candidate: string; section: number }> = [];
  const mids: Array<string | null> = [];
  let section = -1;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      section += 1;
      mids.push(null);
    } else if (line.startsWith('a=mid:') && section >= 0) {
      mids[section] = line.slice('a=mid:'.length).trim();
    }
    if (line.startsWith('a=candidate:')) {
      if (section >= 0) candidates.push({ candidate: line.slice(2).trim(), section });
      continue;
    }
    if (line.trim() === 'a=end-of-candidates') continue;
    kept.push(line);
  }
  return {
    sdp: kept.join(eol),
    candidates: candidates.map(({ candidate, section: s }) => ({
      candidate,
      sdpMid: mids[s] ?? null,
      sdpMLineIndex: s,
    })),
  };
}
