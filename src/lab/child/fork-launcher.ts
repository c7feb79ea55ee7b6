/**
 * {@link ChildLauncher} for plain Node: `child_process.fork` with a JSON IPC channel and piped
 * output. The CLI, browser mode and the tests start their children this way.
 */
import { fork } from 'node:child_process';
import type { ChildExit, ChildHandle, ChildLaunchOptions } from './launcher';

/** Forks `options.entry` with an IPC channel; stdout and stderr are piped. */
export function forkLauncher(options: ChildLaunchOptions): ChildHandle {
  const child = fork(options.entry, [], {
    execArgv: options.execArgv,
    serialization: 'json',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: options.env,
  });
  let exit: ChildExit | null = null;
  const exitListeners: Array<(exit: ChildExit) => void> = [];
  const errorListeners: Array<(error: Error) => void> = [];
  const reportError = (error: Error): void => {
    for (const listener of errorListeners) listener(error);
  };
  child.on('error', reportError);
  let spawned = false;
  child.once('spawn', () => (spawned = true));
  // 'close' (not 'exit'): fires once the child's stdout/stderr are drained too.
  child.once('close', (code, signal) => {
    exit = { code, signal };
    for (const listener of exitListeners.splice(0)) listener(exit);
  });
  return {
    get pid() {
      return exit ? undefined : child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    get connected() {
      return child.connected;
    },
    send(message) {
      if (child.connected) child.send(message as object, (error) => error && reportError(error));
    },
    onMessage(listener) {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
    onSpawn(listener) {
      if (exit) return;
      if (spawned && child.pid !== undefined) listener(child.pid);
      else child.once('spawn', () => child.pid !== undefined && listener(child.pid));
    },
    onExit(listener) {
      if (exit) listener(exit);
      else exitListeners.push(listener);
    },
    onError(listener) {
      errorListeners.push(listener);
    },
    terminate() {
      child.kill('SIGTERM');
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
