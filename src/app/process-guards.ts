/**
 * Last-resort handlers for the processes that host a lab (the desktop app's main process, browser
 * mode, the CLI). A promise rejected with nobody listening is a bug, but in Node ≥ 15 it ends the
 * process, and with it the user's session and its live trace. Here it is reported (to stderr and
 * to the current trace) and the process goes on.
 */

/** Where a stray rejection is reported; `message` is one line plus the stack. */
export type ProcessProblemReporter = (message: string) => void;

/** Describes a rejection reason for a person: the stack when there is one. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  try {
    return typeof reason === 'string' ? reason : JSON.stringify(reason);
  } catch {
    return String(reason);
  }
}

/**
 * Reports unhandled promise rejections through `report` instead of letting them end the process.
 * Returns the function that removes the handler.
 */
export function installProcessGuards(report: ProcessProblemReporter): () => void {
  const onRejection = (reason: unknown): void => {
    try {
      report(`unhandled promise rejection (the app goes on): ${describeReason(reason)}`);
    } catch {
      // A reporter that fails must not turn this into a crash.
    }
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}
