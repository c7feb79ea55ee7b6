import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { readTrace } from '../../main/lab/trace/reader';
import { renderReport } from '../../main/support/report/render';
import type { Io } from '../main';

/** `faultline report TRACE -o report.html`: one self-contained HTML report of a trace. */
export function registerReport(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('write a self-contained HTML report (charts, verdicts, events) of a trace')
    .argument('<trace>', 'trace file (.ndjson or .ndjson.gz)')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .addOption(new Option('--profile <profile>', 'vocabulary of the seed model').choices(['ng', 'legacy']))
    .action(async (path: string, opts: { output: string; profile?: 'ng' | 'legacy' }) => {
      const trace = await readTrace(path);
      for (const warning of trace.warnings) io.err(`warning: ${warning}`);
      const html = renderReport(trace.header, trace.records, {
        ...(opts.profile ? { vocabulary: opts.profile === 'legacy' ? 'legacy' : 'current' } : {}),
      });
      await writeFile(opts.output, html, 'utf8');
      io.out(`wrote ${opts.output} (${trace.records.length} records, ${Buffer.byteLength(html)} bytes)`);
      setExit(0);
    });
}
