import { Option, type Command } from 'commander';
import { formatReport } from '../../shared/check';
import { loadScenario } from '../../lab';
import { runScenario, type RunResult } from '../../lab';
import { describeRecord } from '../live-output';
import type { Io } from '../main';
import { parseEngine, parseTimeScale } from './options';
import type { EngineName } from '../../shared/model/engines';
import { resolveTiming } from '../../shared/model/config';
import { assessTimeScale } from '../../shared/model/stalls';
import type { Scenario } from '../../shared/scenario/schema';

/** How {@link playScenario} runs a scenario: the options `run` and `reproduce` share. */
export interface PlayOptions {
  /** Where the trace journal goes (.ndjson). */
  out?: string;
  timeScale?: number;
  engine: EngineName;
  server?: string;
  secret?: string;
  quiet?: boolean;
}

/** Adds the options of {@link PlayOptions} (but `out`) to a command. */
export function addPlayOptions(command: Command): Command {
  return command
    .option('--time-scale <s>', 'multiply every duration (0.1 runs ten times faster)', parseTimeScale)
    .addOption(
      new Option(
        '--engine <engine>',
        'WebRTC engine of the local clients: wrtc, werift or browser (Debian Chromium)',
      )
        .argParser(parseEngine)
        .default('wrtc'),
    )
    .option(
      '--server <url>',
      'use a remote channel server (ws://host:port/v1/channel) instead of the embedded one',
    )
    .option('--secret <secret>', 'the remote server secret (or FAULTLINE_SECRET)')
    .option('-q, --quiet', 'print only the summary');
}

/**
 * Runs a validated scenario headless: warns about time scales the engines cannot keep, prints
 * live progress (unless quiet), stops cleanly on Ctrl-C, and prints the check report.
 */
export async function playScenario(scenario: Scenario, opts: PlayOptions, io: Io): Promise<RunResult> {
  const vocabulary = scenario.profile === 'legacy' ? 'legacy' : 'current';
  const scale = opts.timeScale ?? scenario.config.timeScale ?? 1;
  const engines = new Set(scenario.participants.map((p) => p.engine ?? opts.engine));
  if (scenario.turn && scale < 0.5)
    io.err(
      `warning: ICE's failover to a TURN relay takes seconds of real time that no time scale shortens; at ${scale} the timeline may outrun it (0.5 or more is safe)`,
    );
  // Before the lab starts: the engines' own floors; once it has started (Chromium included),
  // the runner judges the scale again by the stalls it measured and warns in the trace.
  const before = assessTimeScale(resolveTiming({ ...scenario.config, timeScale: scale }), [...engines], null);
  if (!before.ok) io.err(`warning: ${before.message}`);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  io.out(
    `running ${scenario.name}${opts.timeScale ? ` at time scale ${opts.timeScale}` : ''} with ${opts.engine}`,
  );
  try {
    const result = await runScenario(scenario, {
      timeScale: opts.timeScale,
      engine: opts.engine,
      journalPath: opts.out,
      server: opts.server
        ? { kind: 'remote', url: opts.server, secret: opts.secret ?? process.env['FAULTLINE_SECRET'] ?? null }
        : undefined,
      signal: abort.signal,
      onRecords: (records) => {
        if (opts.quiet) return;
        for (const r of records) {
          const line = describeRecord(r, vocabulary, scale);
          if (line) io.out(line);
        }
      },
    });
    for (const error of result.errors) io.err(`error: ${error}`);
    io.out('');
    io.out(formatReport(result.report, { vocabulary }));
    if (opts.out) io.out(`trace written to ${opts.out}`);
    return result;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `faultline run SCENARIO`: runs a scenario headless with live progress, then checks it. */
export function registerRun(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('run')
    .description('run a scenario (built-in name or JSON file) headless and check the trace')
    .argument('<scenario>', 'built-in scenario name (see `faultline scenarios`) or a scenario file')
    .option('-o, --out <trace>', 'write the trace journal here (.ndjson)');
  addPlayOptions(command).action(async (name: string, opts: PlayOptions) => {
    const scenario = await loadScenario(name);
    const result = await playScenario(scenario, opts, io);
    setExit(result.report.ok && !result.aborted ? 0 : 1);
  });
}
