/**
 * The one base of every error that carries a stable, machine-readable `code`. Code decides on
 * `code` (or `instanceof`), never on message text; `message` is for a person.
 */

/** What a {@link CodedError} may carry besides its code and message. */
export interface CodedErrorOptions {
  /** The error that led to this one, when there is one. */
  cause?: unknown;
}

/**
 * An error with a stable `code`. Each subclass declares its own `name` as a literal (bundlers
 * may rename classes, so the name is never read off the constructor).
 */
export class CodedError<C extends string = string> extends Error {
  override readonly name: string = 'CodedError';
  /** Stable machine-readable reason. */
  readonly code: C;

  constructor(code: C, message: string, options?: CodedErrorOptions) {
    // No `cause` property at all unless one is given (an own `cause: undefined` would show up).
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * The code of an error: a {@link CodedError}'s, or the string `code` of anything else (an error
 * that crossed a process boundary arrives as a plain object); null when there is none.
 */
export function errorCode(error: unknown): string | null {
  if (error instanceof CodedError) return error.code;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : null;
}
