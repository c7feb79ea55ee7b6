/**
 * The fault form as plain data: its fields, which fields each kind uses, and validation through
 * the shared `ClientFaultSchema` with every problem mapped back to the field it belongs to (so
 * the panel shows the message next to that input).
 */
import { ClientFaultSchema, type ClientFault, type ClientFaultKind } from '../../../shared/model/faults';

/** Every fault kind a client path can take, in the order the picker lists them. */
export const FAULT_KINDS: readonly ClientFaultKind[] = [
  'blackhole',
  'reset',
  'latency',
  'loss',
  'bandwidth',
  'refuse',
  'ip-change',
  'block-direct-udp',
  'block-turn-udp',
  'block-turn-tcp',
];

/** What a person types; numbers stay strings until validated. */
export interface FaultForm {
  kind: ClientFaultKind;
  uid: string;
  path: 'signaling' | 'media' | 'all';
  direction: 'up' | 'down' | 'both';
  ms: string;
  jitterMs: string;
  pct: string;
  burstMeanLength: string;
  kbps: string;
  /** `timed` clears after `seconds`; `manual` waits for a clear. */
  duration: 'timed' | 'manual';
  seconds: string;
}

/** A form field name. */
export type FaultField = Exclude<keyof FaultForm, 'duration'>;

/** The fields each kind shows (besides kind, uid and duration). */
export const FIELDS_BY_KIND: Record<ClientFaultKind, readonly FaultField[]> = {
  blackhole: ['path', 'direction'],
  reset: ['path'],
  latency: ['ms', 'jitterMs', 'path', 'direction'],
  loss: ['pct', 'burstMeanLength', 'direction'],
  bandwidth: ['kbps', 'path', 'direction'],
  refuse: [],
  'ip-change': [],
  'block-direct-udp': [],
  'block-turn-udp': [],
  'block-turn-tcp': [],
};

/** A fresh form. */
export function emptyFaultForm(uid = ''): FaultForm {
  return {
    kind: 'blackhole',
    uid,
    path: 'all',
    direction: 'both',
    ms: '400',
    jitterMs: '0',
    pct: '20',
    burstMeanLength: '',
    kbps: '300',
    duration: 'timed',
    seconds: '10',
  };
}

/** A valid form as the `fault:apply` request it stands for (forMs in model ms). */
export interface FaultRequest {
  uid: number;
  fault: ClientFault;
  forMs?: number;
}

/** Validation outcome: the request, or one message per field. */
export type FaultFormResult =
  { ok: true; request: FaultRequest } | { ok: false; errors: Partial<Record<FaultField, string>> };

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : NaN;
}

/** The fault object a form describes, before validation. */
export function faultInputOf(form: FaultForm): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: form.kind };
  for (const field of FIELDS_BY_KIND[form.kind]) {
    if (field === 'path' || field === 'direction') out[field] = form[field];
    else if (field === 'burstMeanLength') {
      const n = parseNumber(form.burstMeanLength);
      if (n !== undefined) out['burst'] = { meanLength: n };
    } else {
      const n = parseNumber(form[field]);
      if (n !== undefined) out[field] = n;
    }
  }
  return out;
}

/** Validates a form with `ClientFaultSchema`; messages name what to fix. */
export function validateFaultForm(form: FaultForm): FaultFormResult {
  const errors: Partial<Record<FaultField, string>> = {};
  const uid = parseNumber(form.uid);
  if (uid === undefined) errors.uid = 'Pick the participant the fault applies to.';
  else if (!Number.isInteger(uid) || uid < 0) errors.uid = 'A uid is a whole number ≥ 0.';
  let forMs: number | undefined;
  if (form.duration === 'timed') {
    const s = parseNumber(form.seconds);
    if (s === undefined || Number.isNaN(s) || s <= 0)
      errors.seconds = 'Enter a duration in seconds greater than 0, or choose "until cleared".';
    else if (s > 3600) errors.seconds = 'At most 3600 s; choose "until cleared" for longer.';
    else forMs = Math.round(s * 1000);
  }
  const parsed = ClientFaultSchema.safeParse(faultInputOf(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const head = issue.path[0];
      const field: FaultField =
        head === 'burst' ? 'burstMeanLength' : ((head as FaultField | undefined) ?? 'kind');
      if (!errors[field]) errors[field] = fieldMessage(field, issue.message, issue.code);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, request: { uid: uid!, fault: parsed.data, ...(forMs !== undefined ? { forMs } : {}) } };
}

const FIELD_NAMES: Partial<Record<FaultField, string>> = {
  ms: 'Delay (ms)',
  jitterMs: 'Jitter (ms)',
  pct: 'Loss (%)',
  burstMeanLength: 'Mean burst length (packets)',
  kbps: 'Rate (kbps)',
};

function fieldMessage(field: FaultField, message: string, code: string): string {
  const name = FIELD_NAMES[field] ?? field;
  if (code === 'invalid_type') return `${name}: enter a number.`;
  const bound = /expected number to be ([<>]=?)(-?[\d.]+)/.exec(message);
  if (bound) {
    const [, op, n] = bound;
    const word = op!.startsWith('>') ? 'at least' : 'at most';
    return `${name}: must be ${word} ${n}${op === '>' || op === '<' ? ' (exclusive)' : ''}.`;
  }
  return `${name}: ${message}.`;
}
