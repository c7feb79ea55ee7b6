/**
 * Process entry of the lab host (`out/main/lab-host.js` in a build): started by the desktop
 * app's main process through `utilityProcess`, or by browser mode with `fork`. Reads its
 * options from `FAULTLINE_LAB_HOST_OPTIONS` and runs {@link runLabHost} until told to stop; it
 * then exits with `process.exit` (a process that held wrtc media must not exit by draining).
 */
import { parentChannel } from '../../lab';
import { runLabHost } from './host';
import { LAB_HOST_OPTIONS_ENV, LabHostOptionsSchema } from './protocol';

function fail(message: string): never {
  process.stderr.write(`faultline lab host: ${message}\n`);
  process.exit(1);
}

const channel =
  parentChannel() ?? fail('lab-host must be started by its parent (it needs a message channel)');
let raw: unknown;
try {
  raw = JSON.parse(process.env[LAB_HOST_OPTIONS_ENV] ?? '');
} catch {
  fail(`${LAB_HOST_OPTIONS_ENV} is missing or not JSON`);
}
const options = LabHostOptionsSchema.safeParse(raw);
if (!options.success) {
  const why = options.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  channel.send({ type: 'start-failed', message: `bad options: ${why}` }, () => fail(`bad options: ${why}`));
} else {
  const host = runLabHost(channel, options.data, (code) => process.exit(code));
  // `utilityProcess.kill()` and a parent's SIGTERM: stop as cleanly as a `dispose`.
  process.on('SIGTERM', () => void host.dispose('the lab host was terminated'));
}
