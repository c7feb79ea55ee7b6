/** The lab's trace reader, with its errors translated to {@link SupportOpenError}. */
import type { Readable } from 'node:stream';
import { SupportOpenError } from '../../../shared/support/import/errors';
import type { SupportOpenErrorCode } from '../../../shared/support/import/errors';
import { TraceReadError, readTrace } from '../../../lab';
import type { ReadTraceResult, TraceReadErrorCode } from '../../../lab';
import type { OpenContext } from './context';

const CODES: Record<TraceReadErrorCode, SupportOpenErrorCode> = {
  NOT_A_TRACE: 'WRONG_FORMAT',
  WRONG_FORMAT: 'WRONG_FORMAT',
  NEWER_VERSION: 'NEWER_VERSION',
  TOO_LARGE: 'TOO_LARGE',
  CORRUPT_GZIP: 'CORRUPT',
  IO_ERROR: 'UNREADABLE',
  ABORTED: 'ABORTED',
};

/** Reads a trace (path or stream); a bundle member's errors name it and count as a corrupt bundle. */
export async function readTraceAsSupport(
  input: string | Readable,
  ctx: OpenContext,
  member?: string,
): Promise<ReadTraceResult> {
  try {
    return await readTrace(input, {
      maxBytes: ctx.maxBytes,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress('parsing', p.bytesRead, p.totalBytes),
    });
  } catch (e) {
    if (!(e instanceof TraceReadError)) throw e;
    let code = CODES[e.code];
    if (member && (code === 'WRONG_FORMAT' || code === 'CORRUPT')) code = 'CORRUPT_BUNDLE';
    const prefix = member ? `${member} in this bundle: ` : '';
    throw new SupportOpenError(code, prefix + e.message, { cause: e, file: member });
  }
}
