/**
 * Browser mode's entry (`npm run web`, run with tsx): the lab host the desktop app runs (the
 * same service and dispatcher, here in a forked Node child instead of a utility process), the
 * built renderer over loopback HTTP relaying to it, and one line with the page's URL.
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
import { installProcessGuards, LabHostClient } from '../app';
import { homeJournalDir } from '../app';
import { forkLauncher } from '../lab';
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
  // The lab, its children and every open run in the host; this process serves the page.
  const host = await LabHostClient.start({
    launcher: forkLauncher,
    host: { mode: 'browser', journalDir: homeJournalDir() },
  });
  installProcessGuards((message) => {
    console.error(message);
    host.recordProcessProblem(message);
  });
  const server = await BrowserModeServer.start({
    dispatch: host.dispatch,
    events: host.events,
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
    await host.dispose();
    process.exit(0);
  };
  // A host that ends on its own (a crash) leaves nothing to serve: say so and end too.
  void host.whenExited().then((exit) => {
    if (stopping) return;
    console.error(
      `Faultline browser mode: the lab host ended unexpectedly (${exit.signal ?? `exit code ${exit.code}`}); stopping.`,
    );
    void server.dispose().then(() => process.exit(1));
  });
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`Faultline browser mode could not start: ${(error as Error).message}`);
  process.exit(1);
});
