/**
 * The one error type of opening support files (bundles, traces, browser dumps). `code` is stable
 * (the CLI and the renderer branch on it); `message` says what happened and what to do.
 */
import { CodedError } from '../../errors';

/**
 * Why a support file could not be opened at all (a truncated trace still opens, with a warning).
 * `OUT_OF_MEMORY`: opening it needed more memory than the opening worker may use.
 */
export type SupportOpenErrorCode =
  | 'EMPTY'
  | 'CORRUPT'
  | 'CORRUPT_BUNDLE'
  | 'TRUNCATED'
  | 'WRONG_FORMAT'
  | 'NEWER_VERSION'
  | 'TOO_LARGE'
  | 'UNREADABLE'
  | 'ABORTED'
  | 'OUT_OF_MEMORY';

/** A support file that cannot be opened; `file` names the bundle member at fault, if any. */
export class SupportOpenError extends CodedError<SupportOpenErrorCode> {
  override readonly name = 'SupportOpenError';
  /** The bundle member the error is about (e.g. `trace.ndjson.gz`), when there is one. */
  readonly file: string | undefined;
  constructor(code: SupportOpenErrorCode, message: string, options?: { cause?: unknown; file?: string }) {
    super(code, message, options);
    this.file = options?.file;
  }
}
