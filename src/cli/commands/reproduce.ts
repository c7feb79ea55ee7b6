import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { diagnoseTrace } from '../../shared/diagnose';
import {
  compareReproduction,
  formatComparison,
  formatReproduction,
  reproduceTrace,
} from '../../shared/reproduce';
import { parseScenario, ScenarioError } from '../../shared/scenario/validate';
import type { Io } from '../main';
import { loadSupportFile } from './load';
import { addPlayOptions, playScenario, type PlayOptions } from './run';

/** A path that names a trace journal rather than a scenario file. */
const isTracePath = (path: string): boolean => /\.ndjson(\.gz)?$/i.test(path);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `faultline reproduce FILE --out scenario.json [--run --out trace.ndjson]`: diagnoses a trace,
 * bundle or browser dump, writes the scenario that injects its incidents (faults of the diagnosed
 * kind and direction, at the same offsets, for the same durations, sized as measured), and with
 * `--run` plays it and compares the reproduction with the original, aligned on the first
 * incident. Exit 0 when written (and run), 1 when the run failed, 2 when the file is unreadable.
 */
export function registerReproduce(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('reproduce')
    .description(
      'turn the incidents of a trace, bundle or browser dump into a scenario; with --run, play it and compare',
    )
    .argument('<file>', 'trace (.ndjson/.ndjson.gz), bundle (.zip), webrtc-internals or rtcstats dump')
    .option(
      '-o, --out <path>',
      'the scenario file (.json); with --run, a second --out ending .ndjson(.gz) keeps the reproduction trace',
      collect,
    )
    .option('--run', 'play the scenario in the lab and compare the reproduction with the original')
    .option('--json', 'print the reproduction (and comparison) as one JSON object');
  addPlayOptions(command).action(
    async (
      path: string,
      opts: Omit<PlayOptions, 'out'> & { out?: string[]; run?: boolean; json?: boolean },
    ) => {
      const outs = opts.out ?? [];
      const scenarioPath = outs.find((p) => !isTracePath(p));
      const tracePath = outs.find(isTracePath);
      if (!scenarioPath && !opts.run) {
        io.err('faultline reproduce: say where the scenario goes (--out scenario.json), or --run it');
        setExit(2);
        return;
      }
      if (tracePath && !opts.run) io.err(`warning: ${tracePath} is only written with --run`);
      const original = await loadSupportFile(path, io, setExit);
      if (!original) return;
      const diagnosis = diagnoseTrace(original);
      const reproduction = reproduceTrace({ ...original, diagnosis });
      let scenario;
      try {
        scenario = parseScenario(reproduction.scenario, 'reproduction');
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        io.err(`faultline reproduce: the scenario made from ${path} is not valid: ${error.message}`);
        setExit(1);
        return;
      }
      if (scenarioPath) await writeFile(scenarioPath, `${JSON.stringify(reproduction.scenario, null, 2)}\n`);
      if (!opts.json) {
        io.out(formatReproduction(reproduction));
        if (scenarioPath) io.out(`scenario written to ${scenarioPath}`);
      }
      if (!opts.run) {
        if (opts.json) io.out(JSON.stringify({ reproduction }));
        setExit(0);
        return;
      }
      const run = await playScenario(
        scenario,
        { ...opts, out: tracePath, quiet: opts.quiet || opts.json },
        opts.json ? { ...io, out: () => {} } : io,
      );
      const comparison = compareReproduction(
        { header: original.header, records: original.records, diagnosis },
        { header: run.header, records: run.records, diagnosis: diagnoseTrace(run) },
      );
      if (opts.json) io.out(JSON.stringify({ reproduction, comparison }));
      else {
        io.out('');
        io.out(formatComparison(comparison));
      }
      setExit(run.aborted || run.errors.length > 0 ? 1 : 0);
    },
  );
}
