import { Option, type Command } from 'commander';
import { checkTrace, formatReport } from '../../shared/check';
import type { Io } from '../main';
import { loadSupportFile } from './load';

/**
 * `faultline check FILE`: verifies a trace — or a bundle, a webrtc-internals or rtcstats dump —
 * against the seed model and its expectations.
 */
export function registerCheck(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('check')
    .description(
      'check a trace, bundle (.zip) or webrtc-internals/rtcstats dump against the seed model and its scenario expectations',
    )
    .argument('<file>', 'trace (.ndjson/.ndjson.gz), bundle (.zip), webrtc-internals or rtcstats dump')
    .addOption(new Option('--profile <profile>', 'vocabulary of the seed model').choices(['ng', 'legacy']))
    .action(async (path: string, opts: { profile?: 'ng' | 'legacy' }) => {
      const trace = await loadSupportFile(path, io, setExit);
      if (!trace) return;
      const scenario = trace.header.scenario as { profile?: 'ng' | 'legacy' } | null;
      const profile = opts.profile ?? scenario?.profile ?? 'ng';
      const report = checkTrace({ header: trace.header, records: trace.records }, { profile });
      io.out(formatReport(report, { vocabulary: profile === 'legacy' ? 'legacy' : 'current' }));
      setExit(report.ok ? 0 : 1);
    });
}
