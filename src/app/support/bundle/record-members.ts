/**
 * The members of a support bundle that are made from the trace's records — `trace.ndjson.gz`,
 * `app.log`, `stats.csv`, `events.csv` — made in one pass: each record is redacted once and
 * turned into its line of each file, and the files' text goes to their zip members in batches,
 * which zlib compresses on its thread pool while the pass goes on with the next records.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import { serializeHeader, serializeRecord } from '../../../shared/trace/serialize';
import type { Redactor } from '../../../shared/support/redaction';
import { appLogHeading, appLogLine } from './app-log';
import { EVENTS_HEADER, eventRow, STATS_HEADER, statsRow } from './csv';
import { Utf8Chunker } from '../../../lab';
import type { ZipMemberWriter } from './zip-writer';

/** The open members the pass writes to (each gets its heading first; none is ended here). */
export interface RecordMembers {
  trace: ZipMemberWriter;
  appLog: ZipMemberWriter;
  stats: ZipMemberWriter;
  events: ZipMemberWriter;
}

/**
 * Records the pass makes between two turns of the event loop, where it also waits for members
 * that are behind (about 200 KiB of text each: the most a member ever holds waiting).
 */
const RECORDS_PER_TURN = 2000;

/** Text gathered for one member in UTF-8 chunks, sent as each fills. */
class Batch {
  private readonly chunker = new Utf8Chunker();
  private sending: Array<Promise<void>> = [];
  constructor(private readonly member: ZipMemberWriter) {}

  /** Adds `text`; when a chunk is full, it goes to the member. */
  add(text: string): void {
    const full = this.chunker.add(text);
    if (full) this.send(full);
  }

  /** Sends what was gathered (the member keeps the buffer). */
  flush(): void {
    const rest = this.chunker.take();
    if (rest) this.send(rest);
  }

  /** Resolves when the member took everything sent so far. */
  async settle(): Promise<void> {
    const sending = this.sending;
    this.sending = [];
    await Promise.all(sending);
  }

  /** Keeps a write to wait for in `settle` (a failure reaches the pass there, not as unhandled). */
  private send(bytes: Buffer): void {
    const write = this.member.write(bytes);
    write.catch(() => undefined);
    this.sending.push(write);
  }
}

/**
 * Redacts `records` one at a time with `redactor` (whose header pass is done) and writes every
 * record's line into `members`: the NDJSON line (header line first), the `app.log` line of a log
 * record, the `stats.csv` row of a stats record, the `events.csv` row of any other. Resolves with
 * the redacted records when `keep` asks for them (a report needs them), else with null.
 */
export async function writeRecordMembers(
  header: TraceHeader,
  records: readonly TraceRecord[],
  redactor: Redactor,
  members: RecordMembers,
  keep: boolean,
): Promise<TraceRecord[] | null> {
  const kept: TraceRecord[] | null = keep ? [] : null;
  const trace = new Batch(members.trace);
  const appLog = new Batch(members.appLog);
  const stats = new Batch(members.stats);
  const events = new Batch(members.events);
  const batches = [trace, appLog, stats, events];
  trace.add(`${serializeHeader(header)}\n`);
  appLog.add(`${appLogHeading(header)}\n`);
  stats.add(STATS_HEADER);
  events.add(EVENTS_HEADER);
  const start = Date.parse(header.startedAt);
  let sinceTurn = 0;
  for (let i = 0; i < records.length; i++) {
    const r = redactor.value(records[i]!);
    kept?.push(r);
    trace.add(`${serializeRecord(r)}\n`);
    if (r.type === 'stats') stats.add(statsRow(r));
    else {
      if (r.type === 'log') appLog.add(`${appLogLine(start, r)}\n`);
      events.add(eventRow(r));
    }
    if (++sinceTurn === RECORDS_PER_TURN) {
      sinceTurn = 0;
      // Let zlib's completions in, so every compressor has its next input while the pass goes on.
      await nextTurn();
      await Promise.all(batches.map((b) => b.settle()));
    }
  }
  for (const b of batches) b.flush();
  await Promise.all(batches.map((b) => b.settle()));
  return kept;
}
