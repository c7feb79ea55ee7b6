/**
 * The desktop app's lifecycle rules, without Electron (the shell wires them to `app` and
 * `powerSaveBlocker`; the Node tests drive them directly):
 * - quitting waits for the lab: the first `before-quit` is held back until the lab host has
 *   ended its trace and its children (within a bound), then the quit goes on. `before-quit`
 *   comes before Electron closes any window, so hidden participant windows are still up while
 *   the lab stops them itself, and no PC is reported failed on the way out;
 * - the machine stays awake while a lab runs, so suspension or throttling of a hidden window
 *   does not skew fault timing.
 */
import type { ServiceEvents } from '../app';

/** A cancellable quit event (Electron's `before-quit`). */
export interface QuitEvent {
  preventDefault(): void;
}

/** Options of {@link quitGate}. */
export interface QuitGateOptions {
  /** Stops everything the app runs (the lab host, participant windows). */
  shutdown(): Promise<unknown>;
  /** Quits for real (`app.quit()`); called once, after `shutdown` or the timeout. */
  quit(): void;
  /** Longest wait for `shutdown`, ms (default 15 s: the lab's own stop bound plus slack). */
  timeoutMs?: number;
  /** Told when the shutdown failed or took too long (the quit goes on). */
  onProblem?(message: string): void;
}

/**
 * The `before-quit` listener: holds the first quit back, runs `shutdown`, then quits. Later
 * quit events while it runs are held back too; once shut down they pass.
 */
export function quitGate(options: QuitGateOptions): (event: QuitEvent) => void {
  let state: 'open' | 'stopping' | 'stopped' = 'open';
  const timeoutMs = options.timeoutMs ?? 15_000;
  return (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    void Promise.race([options.shutdown().then(() => 'done' as const), late])
      .then(
        (how) =>
          how === 'late' &&
          options.onProblem?.(`the lab did not stop within ${timeoutMs} ms; quitting anyway`),
        (error: unknown) => options.onProblem?.(`stopping the lab failed: ${(error as Error).message}`),
      )
      .finally(() => {
        clearTimeout(timer);
        state = 'stopped';
        options.quit();
      });
  };
}

/** Electron's `powerSaveBlocker`, as much as {@link keepAwakeWhileRunning} uses. */
export interface PowerBlocker {
  start(type: 'prevent-app-suspension'): number;
  stop(id: number): void;
}

/**
 * Holds a 'prevent-app-suspension' blocker while `lab:status` says a lab runs, and lets it go
 * when it stops. Returns the unsubscribe (which also lets a held blocker go).
 */
export function keepAwakeWhileRunning(events: ServiceEvents, blocker: PowerBlocker): () => void {
  let held: number | null = null;
  const release = (): void => {
    if (held !== null) blocker.stop(held);
    held = null;
  };
  const stop = events.on('lab:status', (status) => {
    if (status.running && held === null) held = blocker.start('prevent-app-suspension');
    else if (!status.running) release();
  });
  return () => {
    stop();
    release();
  };
}
