import { type Command } from 'commander';
import { runStandaloneServer } from '../../lab';
import { isLoopbackHost } from '../../shared/ipc/server-url';
import type { Io } from '../main';
import { parsePort, parseTimeScale } from './options';

/** `faultline serve`: a standalone channel server. */
export function registerServe(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run a standalone channel server (protocol v1)')
    .option('--port <n>', 'TCP port (0 picks a free one)', parsePort, 4800)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--secret <secret>', 'token secret (or FAULTLINE_SECRET)')
    .option('--auth <mode>', '"none" turns token checks off (local tests only)')
    .option('--time-scale <s>', 'multiply every server timer', parseTimeScale, 1)
    .option(
      '--allowed-origin <origin>',
      'a browser origin allowed to connect (repeat for more; default: any)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(
      async (opts: {
        port: number;
        host: string;
        secret?: string;
        auth?: string;
        timeScale: number;
        allowedOrigin: string[];
      }) => {
        if (opts.auth === 'none' && !isLoopbackHost(opts.host)) {
          io.err(
            `faultline serve: --auth none lets anyone who reaches ${opts.host} join; it is allowed on loopback only (give a --secret to serve on another interface)`,
          );
          setExit(2);
          return;
        }
        const secret = opts.auth === 'none' ? null : (opts.secret ?? process.env['FAULTLINE_SECRET']);
        if (secret === undefined) {
          io.err(
            'faultline serve: give a token secret with --secret or FAULTLINE_SECRET (or --auth none for local tests)',
          );
          setExit(2);
          return;
        }
        const server = await runStandaloneServer({
          port: opts.port,
          host: opts.host,
          secret,
          timeScale: opts.timeScale,
          ...(opts.allowedOrigin.length > 0 ? { allowedOrigins: opts.allowedOrigin } : {}),
          log: io.out,
        });
        io.out(
          `channel server listening on ${server.url}${secret === null ? ' (auth none: anyone can join — local tests only)' : ''}`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        setExit(0);
      },
    );
}
