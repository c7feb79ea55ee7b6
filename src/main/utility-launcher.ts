/**
 * {@link ChildLauncher} for the desktop app: Electron's `utilityProcess`, the way Electron
 * documents for running Node code in a child of the main process. Unlike `child_process.fork`
 * it still works with the RunAsNode fuse off. Differences the handle hides: messages go through
 * `postMessage` / `process.parentPort`; `kill()` takes no signal (SIGTERM on POSIX), so a crash
 * is `process.kill(pid, 'SIGKILL')`; `exit` reports a code only, so a SIGKILL this side sent is
 * reported as that signal; `pid` exists only after `spawn` (messages sent before wait for it).
 *
 * Not exercised on this machine (no Electron runtime can be downloaded here); the same
 * handle contract is exercised through `forkLauncher` in the Node tests of the lab host.
 */
import { utilityProcess } from 'electron';
import type { ChildExit, ChildLauncher } from '../lab';

/** Starts `options.entry` as a utility process with piped output. */
export const utilityLauncher: ChildLauncher = (options) => {
  const child = utilityProcess.fork(options.entry, [], {
    execArgv: options.execArgv,
    env: options.env,
    stdio: 'pipe',
    serviceName: options.serviceName,
  });
  let spawnedPid: number | undefined;
  let exit: ChildExit | null = null;
  let sentSignal: NodeJS.Signals | null = null;
  const queued: unknown[] = [];
  const spawnListeners: Array<(pid: number) => void> = [];
  const exitListeners: Array<(exit: ChildExit) => void> = [];
  const errorListeners: Array<(error: Error) => void> = [];
  child.once('spawn', () => {
    spawnedPid = child.pid;
    // Messages sent before the process was up wait here, in order.
    for (const message of queued.splice(0)) child.postMessage(message);
    if (spawnedPid !== undefined) for (const listener of spawnListeners.splice(0)) listener(spawnedPid);
  });
  child.on('error', (type, location) =>
    errorListeners.forEach((listener) =>
      listener(new Error(`${options.serviceName}: ${type} at ${location}`)),
    ),
  );
  child.once('exit', (code) => {
    // A SIGTERM the child handles ends it with its own code; a SIGKILL leaves none.
    exit = sentSignal === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : { code, signal: null };
    for (const listener of exitListeners.splice(0)) listener(exit);
  });
  const signal = (name: NodeJS.Signals): void => {
    if (exit) return;
    sentSignal = name;
    if (name === 'SIGTERM' || spawnedPid === undefined) child.kill();
    else process.kill(spawnedPid, name);
  };
  return {
    get pid() {
      return exit ? undefined : spawnedPid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    get connected() {
      return exit === null;
    },
    send(message) {
      if (exit) return;
      if (spawnedPid === undefined) queued.push(message);
      else child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
    onSpawn(listener) {
      if (exit) return;
      if (spawnedPid !== undefined) listener(spawnedPid);
      else spawnListeners.push(listener);
    },
    onExit(listener) {
      if (exit) listener(exit);
      else exitListeners.push(listener);
    },
    onError(listener) {
      errorListeners.push(listener);
    },
    terminate: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
};
