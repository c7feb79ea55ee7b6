import { Option, type Command } from 'commander';
import { Lab } from '../../lab';
import { describeRecord } from '../live-output';
import type { Io } from '../main';
import { parseEngine, parseTimeScale } from './options';
import type { EngineName } from '../../shared/model/engines';

/**
 * `faultline lab`: the embedded default, headless — a channel server on loopback and two local
 * clients (UID 1 publishes, UID 2 subscribes), printing what happens until Ctrl-C.
 */
export function registerLab(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('lab')
    .description('start the embedded lab headless (server on loopback, UID 1 publishing, UID 2 watching)')
    .option('-o, --out <trace>', 'write the trace journal here (.ndjson)')
    .option('--time-scale <s>', 'multiply every duration', parseTimeScale)
    .addOption(
      new Option('--engine <engine>', 'WebRTC engine: wrtc, werift or browser (Debian Chromium)')
        .argParser(parseEngine)
        .default('wrtc'),
    )
    .option('--for <seconds>', 'stop by itself after this many seconds', (v) => Number(v))
    .action(async (opts: { out?: string; timeScale?: number; engine: EngineName; for?: number }) => {
      const lab = await Lab.create({
        timing: { timeScale: opts.timeScale ?? 1 },
        engine: opts.engine,
        journalPath: opts.out,
      });
      const stopFeed = lab.recorder.onBatch((records) => {
        for (const r of records) {
          const line = describeRecord(r);
          if (line) io.out(line);
        }
      });
      try {
        await lab.addParticipant({ uid: 1 });
        await lab.addParticipant({ uid: 2 });
        await lab.join(1);
        await lab.join(2);
        await lab.publish(1, ['audio', 'video']);
        io.out('lab running: UID 1 publishes, UID 2 subscribes. Press Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          const done = (): void => resolve();
          process.once('SIGINT', done);
          process.once('SIGTERM', done);
          if (opts.for && Number.isFinite(opts.for)) setTimeout(done, opts.for * 1000).unref();
        });
      } finally {
        await lab.dispose();
        stopFeed();
      }
      if (opts.out) io.out(`trace written to ${opts.out}`);
      setExit(0);
    });
}
