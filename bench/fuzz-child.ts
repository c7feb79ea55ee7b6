/**
 * The fuzz bench's sender in a process of its own, so that its busy loop does not delay the
 * measured members' own pong handling. `node --import tsx bench/fuzz-child.ts` reads a
 * {@link FuzzOptions} JSON (without `token`; `secret` instead) from `FAULTLINE_FUZZ`, runs it
 * and prints the {@link FuzzSummary} as one JSON line.
 */
import { signToken } from '../src/lab/server/tokens';
import { runFuzz, type FuzzOptions } from '../test/helpers/protocol-fuzz';

const options = JSON.parse(process.env['FAULTLINE_FUZZ'] ?? '{}') as Omit<FuzzOptions, 'token'> & {
  secret: string;
};
const token = (uid: number): string =>
  signToken(options.secret, {
    channel: options.channel,
    uid,
    role: 'host',
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
const summary = await runFuzz({ ...options, token });
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
