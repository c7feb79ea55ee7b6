import type { Command } from 'commander';
import { diagnoseTrace, formatDiagnosis } from '../../shared/diagnose';
import type { Io } from '../main';
import { loadSupportFile } from './load';

/**
 * `faultline diagnose FILE [--json] [--evidence]`: what went wrong in a trace, bundle or browser
 * dump, when, on whom and why — the incidents, the injected faults they explain, and the
 * verdict. Exit 0 when the file could be read (incidents are findings, not failures), 2 when not.
 */
export function registerDiagnose(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('diagnose')
    .description(
      'list the incidents of a trace, bundle (.zip) or webrtc-internals/rtcstats dump, with their likely causes',
    )
    .argument('<file>', 'trace (.ndjson/.ndjson.gz), bundle (.zip), webrtc-internals or rtcstats dump')
    .option('--json', 'print one JSON object: { source, incidents, faults, verdict }')
    .option('--evidence', 'list the seq numbers each incident rests on')
    .action(async (path: string, opts: { json?: boolean; evidence?: boolean }) => {
      const trace = await loadSupportFile(path, io, setExit);
      if (!trace) return;
      const diagnosis = diagnoseTrace({ header: trace.header, records: trace.records });
      io.out(
        opts.json
          ? JSON.stringify(diagnosis)
          : formatDiagnosis(diagnosis, { evidence: opts.evidence === true }),
      );
      setExit(0);
    });
}
