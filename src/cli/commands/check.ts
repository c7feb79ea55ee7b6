import { Option, type Command } from 'commander';
import { checkTrace, formatReport } from '../../shared/check';
import { readTrace } from '../../main/lab/trace/reader';
import type { Io } from '../main';

/** `faultline check TRACE`: verifies a trace against the seed model and its expectations. */
export function registerCheck(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('check a trace (.ndjson or .ndjson.gz) against the seed model and its scenario expectations')
    .argument('<trace>', 'trace file')
    .addOption(new Option('--profile <profile>', 'vocabulary of the seed model').choices(['ng', 'legacy']))
    .action(async (path: string, opts: { profile?: 'ng' | 'legacy' }) => {
      const trace = await readTrace(path);
      for (const warning of trace.warnings) io.err(`warning: ${warning}`);
      const scenario = trace.header.scenario as { profile?: 'ng' | 'legacy' } | null;
      const profile = opts.profile ?? scenario?.profile ?? 'ng';
      const report = checkTrace({ header: trace.header, records: trace.records }, { profile });
      io.out(formatReport(report, { vocabulary: profile === 'legacy' ? 'legacy' : 'current' }));
      setExit(report.ok ? 0 : 1);
    });
}
