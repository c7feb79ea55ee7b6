import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { renderReport } from '../../app';
import { describeRedaction, redactTrace } from '../../shared/support/redaction';
import type { Io } from '../main';
import { loadSupportFile } from './load';

interface ReportOptions {
  output: string;
  profile?: 'ng' | 'legacy';
  redact: boolean;
  pseudonymizeIds?: boolean;
}

/**
 * `faultline report FILE -o report.html`: one self-contained HTML report of a trace, bundle or
 * browser dump, redacted by the bundles' redactor unless `--no-redact` (addresses, host names,
 * user names, secrets…; `--pseudonymize-ids` also replaces channel names and UIDs).
 */
export function registerReport(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('write a self-contained HTML report (charts, verdicts, events) of a trace')
    .argument('<file>', 'trace (.ndjson/.ndjson.gz), bundle (.zip), webrtc-internals or rtcstats dump')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .addOption(new Option('--profile <profile>', 'vocabulary of the seed model').choices(['ng', 'legacy']))
    .option('--no-redact', 'keep addresses, host names, user names and secrets (redaction is on by default)')
    .option('--pseudonymize-ids', 'also replace channel names and UIDs with consistent pseudonyms')
    .action(async (path: string, opts: ReportOptions) => {
      const trace = await loadSupportFile(path, io, setExit);
      if (!trace) return;
      const { header, records, summary } = redactTrace(trace.header, trace.records, {
        enabled: opts.redact,
        pseudonymizeIds: opts.pseudonymizeIds ?? false,
      });
      const html = renderReport(header, records, {
        ...(opts.profile ? { vocabulary: opts.profile === 'legacy' ? 'legacy' : 'current' } : {}),
      });
      await writeFile(opts.output, html, 'utf8');
      io.out(`wrote ${opts.output} (${records.length} records, ${Buffer.byteLength(html)} bytes)`);
      io.out(describeRedaction(summary, 'report'));
      setExit(0);
    });
}
