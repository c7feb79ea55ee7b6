import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readJournal } from '../../lab';
import { writeBundle } from '../../app';
import { renderReport } from '../../app';
import { describeRedaction } from '../../shared/support/redaction';
import type { Io } from '../main';

interface ExportOptions {
  out: string;
  redact: boolean;
  pseudonymizeIds?: boolean;
  appLog?: string;
  report: boolean;
}

/**
 * `faultline export TRACE -o bundle.zip`: writes a support bundle (redacted unless `--no-redact`)
 * from a trace file (.ndjson or .ndjson.gz).
 */
export function registerExport(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('export')
    .description('write a support bundle (.zip) from a trace: trace, manifest, environment, logs, CSVs')
    .argument('<trace>', 'trace file (.ndjson or .ndjson.gz)')
    .requiredOption('-o, --out <bundle>', 'bundle file to write (.zip)')
    .option('--no-redact', 'keep addresses, secrets and SDP bodies (redaction is on by default)')
    .option('--pseudonymize-ids', 'also replace channel names and UIDs with consistent pseudonyms')
    .option('--no-report', 'leave report.html out')
    .option('--app-log <file>', 'app log file whose lines go into app.log (redacted too)')
    .action(async (path: string, opts: ExportOptions) => {
      if (resolve(opts.out) === resolve(path)) {
        io.err('faultline: the bundle would overwrite the trace; choose another --out.');
        setExit(2);
        return;
      }
      // A rotated journal (`<path>.000001.gz`, … beside it) reads as one trace.
      const trace = await readJournal(path);
      for (const warning of trace.warnings) io.err(`warning: ${warning}`);
      let appLog: string[] = [];
      if (opts.appLog) {
        try {
          appLog = (await readFile(opts.appLog, 'utf8')).split(/\r?\n/).filter((l) => l.length > 0);
        } catch (e) {
          io.err(`faultline: cannot read the app log ${opts.appLog}: ${(e as Error).message}.`);
          setExit(2);
          return;
        }
      }
      const built = await writeBundle(opts.out, {
        header: trace.header,
        records: trace.records,
        options: { redact: opts.redact, pseudonymizeIds: opts.pseudonymizeIds ?? false },
        appLog,
        renderReport: opts.report ? (header, records) => renderReport(header, records) : undefined,
      });
      io.out(`Wrote ${built.path} (${built.bytes} bytes, ${built.manifest.files.length + 1} files).`);
      io.out(describeRedaction(built.manifest.redaction, 'bundle'));
      for (const w of built.manifest.warnings) io.err(`warning: ${w}`);
      setExit(0);
    });
}
