import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { EngineName } from '../../lab';
import { loadScenario } from '../../lab';
import {
  DurationError,
  formatDuration,
  formatSoakReport,
  parseDuration,
  runSoak,
  type SoakProgress,
} from '../../lab';
import { writeTrace } from '../../lab';
import { removeJournal, streamJournal } from '../../lab';
import type { TraceRecord } from '../../shared/trace/records';
import type { Io } from '../main';
import { parseByteSize, parseEngine, parseTimeScale } from './options';

/** A `--for` duration (90s, 30m, 2h); commander shows the specific reason. */
export function parseForDuration(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof DurationError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** A `--seed`: an integer 0 … 2^32 − 1. */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError('expected an integer 0 … 4294967295');
  return n;
}

function progressLine(p: SoakProgress): string {
  return (
    `${formatDuration(p.elapsedMs)} / ${formatDuration(p.plannedMs)}  iteration ${p.iteration}` +
    `  failed ${p.failedIterations}  records ${p.records}  lab RSS ${p.labRssMiB.toFixed(0)} MiB` +
    ` heap ${p.labHeapMiB.toFixed(0)} MiB  ring ${p.ringSize}  journal ${(p.journalBytes / 1048576).toFixed(1)} MiB`
  );
}

/**
 * Every segment of journal `base` as one gzipped trace at `out`, streamed: one segment in memory
 * at a time, however long the soak ran.
 */
async function writeJournalAsGzip(base: string, out: string): Promise<void> {
  const segments = streamJournal(base);
  const first = await segments.next();
  if (first.done) return;
  const firstSegment = first.value;
  async function* records(): AsyncGenerator<TraceRecord> {
    yield* firstSegment.records;
    for await (const segment of segments) yield* segment.records;
  }
  await writeTrace(out, firstSegment.header, records(), { gzip: true });
}

/** `faultline soak SCENARIO --for 30m`: loops a scenario with random faults and watches resources. */
export function registerSoak(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('soak')
    .description(
      'loop a scenario with random faults for a while; report memory, CPU, records and check failures',
    )
    .argument('<scenario>', 'built-in scenario name (see `faultline scenarios`) or a scenario file')
    .requiredOption('--for <duration>', 'how long to soak (wall clock), e.g. 90s, 30m, 2h', parseForDuration)
    .option('--seed <n>', 'seed of the random fault plan (default: from the clock; printed)', parseSeed)
    .option('--time-scale <s>', 'multiply every duration (0.1 runs ten times faster)', parseTimeScale)
    .addOption(
      new Option('--engine <engine>', 'WebRTC engine of the local clients')
        .argParser(parseEngine)
        .default('wrtc'),
    )
    .option('--json <file>', 'write the whole report (series included) as JSON')
    .option(
      '-o, --out <trace>',
      'write the continuous trace here (.ndjson, or .ndjson.gz to compress at the end)',
    )
    .option('--sample <duration>', 'resource sampling period (default 5s)', parseForDuration)
    .option(
      '--segment-size <size>',
      'rotate the journal into a new segment past this size (default 64MiB)',
      parseByteSize,
    )
    .option(
      '--max-journal <size>',
      'delete the oldest journal segments to stay under this size (default: keep all)',
      parseByteSize,
    )
    .action(
      async (
        name: string,
        opts: {
          for: number;
          seed?: number;
          timeScale?: number;
          engine: EngineName;
          json?: string;
          out?: string;
          sample?: number;
          segmentSize?: number;
          maxJournal?: number;
        },
      ) => {
        const scenario = await loadScenario(name);
        const abort = new AbortController();
        const onSigint = (): void => {
          if (!abort.signal.aborted)
            io.err('\nstopping after this iteration step… (the report is still written)');
          abort.abort();
        };
        process.once('SIGINT', onSigint);
        const gzip = opts.out !== undefined && /\.gz$/i.test(opts.out);
        const journalPath = gzip ? opts.out!.replace(/\.gz$/i, '') : opts.out;
        const tty = process.stdout.isTTY === true;
        const seed = opts.seed ?? Date.now() >>> 0;
        io.out(
          `soaking ${scenario.name} for ${formatDuration(opts.for)} (seed ${seed}${opts.timeScale ? `, time scale ${opts.timeScale}` : ''}, ${opts.engine})`,
        );
        try {
          const report = await runSoak(scenario, {
            durationMs: opts.for,
            seed,
            timeScale: opts.timeScale,
            engine: opts.engine,
            journalPath,
            journal: { segmentBytes: opts.segmentSize, maxJournalBytes: opts.maxJournal },
            sampleIntervalMs: opts.sample,
            signal: abort.signal,
            onProgress: (p) => {
              if (tty) process.stdout.write(`\r\x1b[2K${progressLine(p)}`);
            },
          });
          if (tty) process.stdout.write('\r\x1b[2K');
          if (opts.json) {
            await writeFile(opts.json, JSON.stringify(report, null, 2) + '\n');
            io.out(`report written to ${opts.json}`);
          }
          io.out(formatSoakReport(report));
          if (gzip && journalPath) {
            await writeJournalAsGzip(journalPath, opts.out!);
            await removeJournal(journalPath);
          }
          if (opts.out) io.out(`trace written to ${opts.out}`);
          setExit(report.failedIterations === 0 && report.errors.length === 0 ? 0 : 1);
        } finally {
          process.off('SIGINT', onSigint);
        }
      },
    );
}
