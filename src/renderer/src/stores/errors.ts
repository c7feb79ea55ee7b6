/** Turns a failed invoke into one sentence a person can act on. */
import { IpcError } from '../../../shared/ipc';

const ADVICE: Record<string, string> = {
  DISCONNECTED: 'The page reconnects by itself; try again when the status shows "connected".',
  CLOSED: 'Reload the page to reconnect.',
  TIMEOUT: 'Check that Faultline is still running, then try again.',
  BAD_REQUEST: 'Check the fields and try again.',
  NOT_RUNNING: 'Start the lab first.',
  UNAUTHORIZED: 'Open the address Faultline printed (it carries the access token).',
};

/** "Could not <action>: <message>. <advice>" */
export function describeError(action: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof IpcError ? error.code : '';
  const advice = ADVICE[code];
  const text = `Could not ${action}: ${message.replace(/\.$/, '')}.`;
  return advice && !message.includes(advice) ? `${text} ${advice}` : text;
}
