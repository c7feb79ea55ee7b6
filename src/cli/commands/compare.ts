import type { Command } from 'commander';
import { diagnoseTrace } from '../../shared/diagnose';
import { compareReproduction, formatComparison } from '../../shared/reproduce';
import type { Io } from '../main';
import { loadSupportFile } from './load';

/**
 * `faultline compare ORIGINAL REPRODUCTION [--json]`: the customer's call (or any trace) against a
 * reproduction, both diagnosed and aligned on the first incident: which incidents match, the state
 * sequences side by side, and what the reproduction did not show. Exit 0 when both could be read
 * (a partial match is a finding), 2 when either cannot.
 */
export function registerCompare(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description('compare a trace or dump with its reproduction, aligned on the first incident')
    .argument('<original>', 'the original: trace, bundle or webrtc-internals/rtcstats dump')
    .argument('<reproduction>', 'the reproduction: usually the trace of `faultline reproduce --run`')
    .option('--json', 'print the comparison as one JSON object')
    .action(async (originalPath: string, reproductionPath: string, opts: { json?: boolean }) => {
      const original = await loadSupportFile(originalPath, io, setExit);
      if (!original) return;
      const reproduction = await loadSupportFile(reproductionPath, io, setExit);
      if (!reproduction) return;
      const comparison = compareReproduction(
        { ...original, diagnosis: diagnoseTrace(original) },
        { ...reproduction, diagnosis: diagnoseTrace(reproduction) },
      );
      io.out(opts.json ? JSON.stringify(comparison) : formatComparison(comparison));
      setExit(0);
    });
}
