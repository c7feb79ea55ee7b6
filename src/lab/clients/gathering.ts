/**
 * What a peer connection gathered in one round of ICE gathering (the first offer or answer, or
 * an ICE restart): local candidates by type and protocol, summed up in a `log` record when the
 * round ends. It answers the first question about a relayed path that did not come up: did
 * this client have a relay candidate at all, and from which round (first offer or ICE restart)?
 */

/** The `typ` and transport of an ICE candidate line (RFC 8839), or null when unreadable. */
export function candidateKind(line: string): { type: string; protocol: string } | null {
  const fields = line.replace(/^a=/, '').trim().split(/\s+/);
  const typAt = fields.indexOf('typ');
  const protocol = fields[2]?.toLowerCase();
  const type = typAt >= 0 ? fields[typAt + 1]?.toLowerCase() : undefined;
  if (!protocol || !type || !/^[a-z]+$/.test(protocol) || !/^[a-z]+$/.test(type)) return null;
  return { type, protocol };
}

/**
 * The local candidates of one gathering round, counted as `<type> <protocol>` (`relay udp`:
 * the protocol of a relay candidate is that of the relayed address, whatever carries it to the
 * TURN server; the `candidate-pair` records say that).
 */
export class GatheringTally {
  private readonly counts = new Map<string, number>();
  private unreadable = 0;

  /** Counts one local candidate line. */
  add(line: string): void {
    const kind = candidateKind(line);
    if (!kind) {
      this.unreadable += 1;
      return;
    }
    const key = `${kind.type} ${kind.protocol}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** True when nothing was counted since the last {@link take}. */
  get empty(): boolean {
    return this.counts.size === 0 && this.unreadable === 0;
  }

  /**
   * The round's summary (a `log` record's level and text), and a fresh start for the next
   * round. `relayExpected`: TURN is configured, so a round without a relay candidate says so.
   * That is not always a fault: libwebrtc stops gathering once a connection is writable, which
   * on loopback comes before its TURN phase (docs/DEVELOPMENT.md, "Relayed paths").
   */
  take(pc: string, relayExpected: boolean): { level: 'info'; msg: string } {
    const parts = [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ×${n}`);
    if (this.unreadable > 0) parts.push(`unreadable ${this.unreadable}`);
    const hasRelay = [...this.counts.keys()].some((k) => k.startsWith('relay '));
    this.counts.clear();
    this.unreadable = 0;
    const list = parts.length > 0 ? parts.join(', ') : 'none';
    const note =
      relayExpected && !hasRelay
        ? ' (no relay candidate although TURN is configured: TURN unreachable or refused, or gathering stopped once a direct pair worked)'
        : '';
    return { level: 'info', msg: `${pc} PC gathered candidates: ${list}${note}` };
  }
}
