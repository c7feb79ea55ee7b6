import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { renderReport } from '../../app';
import type { Io } from '../main';
import { loadSupportFile } from './load';

/**
 * `faultline report FILE -o report.html`: one self-contained HTML report of a trace, bundle or
 * browser dump.
 */
export function registerReport(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('write a self-contained HTML report (charts, verdicts, events) of a trace')
    .argument('<file>', 'trace (.ndjson/.ndjson.gz), bundle (.zip), webrtc-internals or rtcstats dump')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .addOption(new Option('--profile <profile>', 'vocabulary of the seed model').choices(['ng', 'legacy']))
    .action(async (path: string, opts: { output: string; profile?: 'ng' | 'legacy' }) => {
      const trace = await loadSupportFile(path, io, setExit);
      if (!trace) return;
      const html = renderReport(trace.header, trace.records, {
        ...(opts.profile ? { vocabulary: opts.profile === 'legacy' ? 'legacy' : 'current' } : {}),
      });
      await writeFile(opts.output, html, 'utf8');
      io.out(`wrote ${opts.output} (${trace.records.length} records, ${Buffer.byteLength(html)} bytes)`);
      setExit(0);
    });
}
