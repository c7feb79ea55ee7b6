/**
 * Runs coturn under a watchdog so that it dies with its parent, even when the parent is killed
 * with SIGKILL and gets no chance to clean up.
 *
 * The watchdog is a few lines of POSIX `sh` ({@link WATCHDOG_SCRIPT}) between the parent and
 * `turnserver`. The parent holds the write end of the watchdog's stdin and never writes to it.
 * When the parent exits in any way, the kernel closes that end, and the watchdog's `read` sees
 * end of file: it sends coturn SIGTERM, SIGKILL 3 s later if it is still there, and then
 * removes the run's temp dir. `dispose()` closes stdin the same way, so a normal stop and a
 * crash take one path. When coturn exits on its own the watchdog exits with its status and
 * leaves the directory (the parent reads the log from it).
 *
 * Why not something else: `prctl(PR_SET_PDEATHSIG)` needs native code, exists only on Linux
 * and fires when the spawning thread ends; a Node watchdog would need Electron's RunAsNode in
 * the packaged app; a process group dies only when someone signals it. A pipe's end of file
 * works the same on Linux and macOS and needs nothing but `/bin/sh`.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `sh -c WATCHDOG_SCRIPT <name> <dir> <binary> <args…>`: starts `<binary> <args…>`, prints its
 * pid on stdout, and stops it (then removes `<dir>`) once stdin reaches end of file. The
 * watcher's stdin is fd 3 because sh gives a background list /dev/null as stdin otherwise. The
 * program keeps the parent's stderr; the shell itself writes nowhere after the pid, since a
 * write to a pipe whose reader is dead (the parent) would end it by SIGPIPE before its cleanup.
 */
export const WATCHDOG_SCRIPT = `
exec 3<&0
dir=$1; shift
"$@" </dev/null >/dev/null &
pid=$!
echo "$pid"
exec >/dev/null 2>&1
(
  while read -r _; do :; done
  : >"$dir/.parent-gone"
  kill -TERM "$pid" 2>/dev/null
  n=0
  while kill -0 "$pid" 2>/dev/null; do
    n=$((n + 1))
    if [ "$n" -eq 30 ]; then kill -KILL "$pid" 2>/dev/null; fi
    sleep 0.1
  done
) <&3 3<&- &
watcher=$!
exec 3<&-
wait "$pid"
status=$?
kill "$watcher" 2>/dev/null
if [ -e "$dir/.parent-gone" ]; then rm -rf "$dir"; fi
exit "$status"
`;

/** The watchdog's `$0` (the name sh gives in its error messages). */
export const WATCHDOG_NAME = 'faultline-turn-watchdog';

/** A program started under the watchdog. */
export interface Watched {
  /** The watchdog process; its exit is the program's exit (same status). */
  watchdog: ChildProcess;
  /** The program's own pid, once the watchdog has printed it (undefined if it never did). */
  pid: Promise<number | undefined>;
}

/** Starts `binary args…` under the watchdog; `dir` goes when the watchdog's stdin closes. */
export function spawnWatched(binary: string, args: string[], dir: string): Watched {
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, WATCHDOG_NAME, dir, binary, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  watchdog.stdin?.on('error', () => undefined); // EPIPE once the watchdog is gone
  const pid = new Promise<number | undefined>((resolve) => {
    let out = '';
    watchdog.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n', 2);
      if (line.length === 2) resolve(Number(line[0]) || undefined);
    });
    watchdog.once('close', () => resolve(undefined));
    watchdog.once('error', () => resolve(undefined));
  });
  return { watchdog, pid };
}
