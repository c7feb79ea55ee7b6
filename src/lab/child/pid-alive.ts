/** Whether a process runs, by pid: the check the stale-resource sweeps and journal locks share. */

/** Whether a process with this pid exists (one of another user counts too: EPERM). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
