/** Browser mode's command line. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The prefix of the line that carries the page's URL (scripts and tests look for it). */
export const URL_LINE_PREFIX = 'Faultline browser mode: ';

/** Parsed command line of browser mode. */
export interface WebArgs {
  port: number;
  host: string;
  allowRemote: boolean;
  open: boolean;
  root: string;
}

/** Parses the command line; throws with a message a person can act on. */
export function parseWebArgs(argv: string[], defaultRoot: string): WebArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', default: false },
      'no-open': { type: 'boolean', default: false },
      root: { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);
  return {
    port,
    host: values.host,
    allowRemote: values['allow-remote'],
    open: !values['no-open'],
    root: resolve(values.root ?? defaultRoot),
  };
}
