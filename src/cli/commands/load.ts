/**
 * The CLI's one loader for anything support receives (a bundle, a plain or gzip trace, a
 * chrome://webrtc-internals dump, an rtcstats dump), shared by `check` and `report`.
 */
import { openSupportFileInWorker, SupportOpenError, type OpenedSupportFile } from '../../app';
import type { Io } from '../main';

/** Describes a {@link SupportOpenError} for a person: the path, the code, and the member at fault. */
export function describeOpenError(path: string, error: SupportOpenError): string {
  const member = error.file === undefined ? '' : ` (member ${error.file})`;
  return `faultline: cannot open ${path}${member} [${error.code}]: ${error.message}`;
}

/**
 * Opens `path` with {@link openSupportFileInWorker} (off the CLI's thread, heap capped), printing its warnings to stderr. On a
 * {@link SupportOpenError} prints the code and message, sets exit code 2 and resolves to `null`;
 * other errors propagate.
 */
export async function loadSupportFile(
  path: string,
  io: Io,
  setExit: (code: number) => void,
): Promise<OpenedSupportFile | null> {
  let opened: OpenedSupportFile;
  try {
    opened = await openSupportFileInWorker(path);
  } catch (error) {
    if (!(error instanceof SupportOpenError)) throw error;
    io.err(describeOpenError(path, error));
    setExit(2);
    return null;
  }
  for (const warning of opened.warnings) io.err(`warning: ${warning}`);
  if (opened.kind !== 'trace') io.err(`opened ${path} as ${opened.kind} (${opened.records.length} records)`);
  return opened;
}
