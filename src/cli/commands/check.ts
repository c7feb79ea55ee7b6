import { Option, type Command } from 'commander';
import { checkTrace, formatReport, resultWord } from '../../shared/check';
import { diagnoseTrace, formatDiagnosis } from '../../shared/diagnose';
import type { Io } from '../main';
import { loadSupportFile } from './load';

/**
 * `faultline check FILE [--json]`: verifies a trace — or a bundle, a webrtc-internals or rtcstats
 * dump — against the seed model and its expectations, and diagnoses it. A trace without
 * expectations never prints a bare PASS: its Result line is the diagnosis's verdict. `--json`
 * prints one object: the diagnosis (`source`, `incidents`, `faults`, `verdict`) plus the check
 * (`check`: result word, expectations, violations, findings).
 */
export function registerCheck(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('check')
    .description(
      'check a trace, bundle (.zip) or webrtc-internals/rtcstats dump against the seed model and its scenario expectations, and diagnose it',
    )
    .argument('<file>', 'trace (.ndjson/.ndjson.gz), bundle (.zip), webrtc-internals or rtcstats dump')
    .addOption(new Option('--profile <profile>', 'vocabulary of the seed model').choices(['ng', 'legacy']))
    .option('--json', 'print one JSON object (diagnosis and check) instead of text')
    .action(async (path: string, opts: { profile?: 'ng' | 'legacy'; json?: boolean }) => {
      const trace = await loadSupportFile(path, io, setExit);
      if (!trace) return;
      const scenario = trace.header.scenario as { profile?: 'ng' | 'legacy' } | null;
      const profile = opts.profile ?? scenario?.profile ?? 'ng';
      const input = { header: trace.header, records: trace.records };
      const report = checkTrace(input, { profile });
      const diagnosis = diagnoseTrace(input);
      if (opts.json) {
        const { violations, expectations, findings, warnings } = report;
        io.out(
          JSON.stringify({
            ...diagnosis,
            check: {
              result: resultWord(report),
              ok: report.ok,
              expectations,
              violations,
              findings,
              warnings,
            },
          }),
        );
      } else {
        const text = formatReport(report, {
          vocabulary: profile === 'legacy' ? 'legacy' : 'current',
          verdict: diagnosis.verdict.text,
        }).split('\n');
        // The incidents go just before the Result line, so the verdict stays last.
        text.splice(text.length - 1, 0, ...formatDiagnosis(diagnosis).split('\n').slice(0, -1));
        io.out(text.join('\n'));
      }
      setExit(report.ok ? 0 : 1);
    });
}
