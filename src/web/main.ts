/**
 * Browser mode's entry (`npm run web`, run with tsx): the same LabService and dispatcher as
 * the desktop app, the built renderer over loopback HTTP, and one line with the page's URL.
 *
 *   --port <n>        listen on this port (default: a free one)
 *   --host <addr>     interface (default 127.0.0.1; loopback only unless --allow-remote)
 *   --allow-remote    permit a non-loopback --host (the token is then all that guards the lab)
 *   --no-open         do not open a browser
 *   --root <dir>      the built renderer (default out/renderer)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatcher, createHandlers } from '../app';
import { LabService } from '../app';
import { OpenUploads } from '../app';
import { installProcessGuards } from '../app';
import { homeJournalDir } from '../app';
import { parseWebArgs, URL_LINE_PREFIX } from './args';
import { BrowserModeServer } from './server';

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open: the URL line is there to copy.
  }
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const args = parseWebArgs(process.argv.slice(2), join(here, '../../out/renderer'));
  if (!existsSync(join(args.root, 'index.html'))) {
    console.error(
      `No built renderer in ${args.root}: run \`npx electron-vite build\` (npm run web does it for you).`,
    );
    process.exit(1);
  }
  const service = new LabService({ mode: 'browser', journalDir: homeJournalDir() });
  installProcessGuards((message) => {
    console.error(message);
    service.recordProcessProblem(message);
  });
  const uploads = new OpenUploads({ events: service.events });
  const server = await BrowserModeServer.start({
    dispatch: createDispatcher(createHandlers(service, undefined, uploads)),
    events: service.events,
    root: args.root,
    host: args.host,
    port: args.port,
    allowRemote: args.allowRemote,
  });
  console.log(`${URL_LINE_PREFIX}${server.url}`);
  if (args.open) openBrowser(server.url);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.dispose();
    await uploads.dispose();
    await service.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`Faultline browser mode could not start: ${(error as Error).message}`);
  process.exit(1);
});
