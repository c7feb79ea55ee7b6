/**
 * What a redaction replaced: counts per kind, distinct values per kind and a few before → after
 * examples, kept by a {@link RedactionTally}. The manifest of a bundle carries the counts only;
 * the export dialog shows the examples (secrets shortened), never written anywhere.
 */

/** Kinds of replacement, for counts and examples. */
export type RedactionKind =
  'ip' | 'host' | 'mac' | 'email' | 'path' | 'user' | 'secret' | 'sdp' | 'channel' | 'uid';

/** Every kind, in the order the export dialog lists them. */
export const REDACTION_KINDS: readonly RedactionKind[] = [
  'ip',
  'host',
  'mac',
  'email',
  'path',
  'user',
  'secret',
  'sdp',
  'channel',
  'uid',
];

/** What each kind is called in the export dialog's preview and the CLI's output (plural). */
export const REDACTION_LABELS: Record<RedactionKind, string> = {
  ip: 'addresses',
  host: 'host names',
  mac: 'MAC addresses',
  email: 'e-mail addresses',
  path: 'home directories',
  user: 'user names',
  secret: 'secrets',
  sdp: 'SDP bodies',
  channel: 'channel names',
  uid: 'uids',
};

/** One replacement, as the export dialog shows it. */
export interface RedactionExample {
  kind: RedactionKind;
  before: string;
  after: string;
}

/** Counts and a few examples of what a redaction replaced. */
export interface RedactionSummary {
  enabled: boolean;
  pseudonymizeIds: boolean;
  /** Replacements made, per kind. */
  counts: Record<RedactionKind, number>;
  /** Distinct values replaced, per kind (e.g. 3 distinct addresses). */
  distinct: Record<RedactionKind, number>;
  /** Up to {@link MAX_EXAMPLES} first-seen replacements per kind (secrets shown shortened). */
  examples: RedactionExample[];
}

/** Examples kept per kind. */
export const MAX_EXAMPLES = 3;

/** A record with 0 for every kind. */
export function zeroCounts(): Record<RedactionKind, number> {
  return Object.fromEntries(REDACTION_KINDS.map((k) => [k, 0])) as Record<RedactionKind, number>;
}

/** Counts, distinct values and examples of one redaction pass. */
export class RedactionTally {
  private readonly counts = zeroCounts();
  private readonly seen = new Map<RedactionKind, Set<string>>(REDACTION_KINDS.map((k) => [k, new Set()]));
  private readonly examples: RedactionExample[] = [];
  private readonly exampleCount = zeroCounts();
  private replacements = 0;

  /** Replacements noted so far, of every kind. */
  get total(): number {
    return this.replacements;
  }

  /**
   * Notes one replacement. `key` tells distinct values apart (default `before`); `before` is what
   * the export dialog may show, so callers shorten secrets first.
   */
  note(kind: RedactionKind, before: string, after: string, key: string = before): void {
    this.counts[kind]++;
    this.replacements++;
    const seen = this.seen.get(kind)!;
    if (seen.has(key)) return;
    seen.add(key);
    if (this.exampleCount[kind] < MAX_EXAMPLES) {
      this.exampleCount[kind]++;
      this.examples.push({ kind, before, after });
    }
  }

  /** Counts a value as seen (distinct) without a replacement, e.g. a UID numbered up front. */
  learn(kind: RedactionKind, key: string): void {
    this.seen.get(kind)!.add(key);
  }

  /** The summary so far. */
  summary(enabled: boolean, pseudonymizeIds: boolean): RedactionSummary {
    return {
      enabled,
      pseudonymizeIds,
      counts: { ...this.counts },
      distinct: Object.fromEntries(REDACTION_KINDS.map((k) => [k, this.seen.get(k)!.size])) as Record<
        RedactionKind,
        number
      >,
      examples: this.examples.slice(),
    };
  }
}

/**
 * One line for the CLI: `Redacted: 2 addresses (9 places), 1 secrets, 0 SDP bodies, 1 host names.`
 * (addresses, secrets and SDP always, the other kinds when something was replaced), or that
 * `what` (a bundle, a report) holds everything as recorded.
 */
export function describeRedaction(summary: Omit<RedactionSummary, 'examples'>, what: string): string {
  if (!summary.enabled) return `Not redacted: the ${what} holds addresses as recorded.`;
  const { counts, distinct } = summary;
  const parts = [
    `${distinct.ip} addresses (${counts.ip} places)`,
    `${counts.secret} secrets`,
    `${counts.sdp} SDP bodies`,
  ];
  for (const kind of ['host', 'mac', 'email', 'path', 'user'] as const)
    if (counts[kind] > 0) parts.push(`${distinct[kind]} ${REDACTION_LABELS[kind]}`);
  if (summary.pseudonymizeIds) parts.push(`${distinct.channel} channels`, `${distinct.uid} UIDs`);
  return `Redacted: ${parts.join(', ')}.`;
}
