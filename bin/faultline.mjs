#!/usr/bin/env node
/**
 * `faultline` CLI entry. Runs the TypeScript sources through tsx, so `npx faultline …` works
 * straight after `npm ci`, with no build step.
 *
 * Every command resolves only once its work is done and its lab disposed, so the process exits
 * right then: after a long session the native WebRTC engine can leave handles that keep Node's
 * own teardown spinning (a 30-minute soak printed its report, then sat at 100 % CPU in the
 * runtime's handle cleanup until killed), and node-webrtc's media sources segfault when a process
 * exits by draining its event loop (docs/DEVELOPMENT.md).
 */
import { register } from 'tsx/esm/api';

register();
// A reader that goes away (`faultline scenarios | head -3`) ends the output, not the process with
// a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
const { installProcessGuards } = await import('../src/app/process-guards.ts');
installProcessGuards((message) => process.stderr.write(`faultline: ${message}\n`));
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Let stdout/stderr drain (piped output is asynchronous), then go.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((r) => s.write('', r))));
process.exit(code);
