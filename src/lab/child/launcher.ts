/**
 * How the lab starts a Node child of its own (today: the channel server). Two runtimes start
 * such children differently: plain Node (the CLI, browser mode, the tests) forks them with
 * `child_process.fork`; the desktop app cannot (with Electron's RunAsNode fuse off, `fork` from
 * the packaged app no longer runs Node) and starts them with Electron's `utilityProcess`, which
 * only the main process may call. This is the one seam both sit behind: a launcher turns an
 * entry script into a {@link ChildHandle}, and the process-wide default says which one this
 * process uses (see {@link useChildLauncher}).
 */
import { forkLauncher } from './fork-launcher';

/** What to start. */
export interface ChildLaunchOptions {
  /** Absolute path of the entry script. */
  entry: string;
  /** Flags for the runtime (e.g. `--import <tsx loader>` from source). */
  execArgv: string[];
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** A short name for process lists and logs, e.g. `faultline-server`. */
  serviceName: string;
}

/** Why a child ended: its exit code, or the signal that ended it (when the runtime can tell). */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started child process and its message channel, whichever runtime started it. */
export interface ChildHandle {
  /** The child's pid once it has spawned (undefined before, and after it exited). */
  readonly pid: number | undefined;
  /** The child's output, line by line when read with readline; null when not piped. */
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** True while messages can reach the child. */
  readonly connected: boolean;
  /** Sends one JSON-serialisable message (dropped when not connected). */
  send(message: unknown): void;
  /** Subscribes to the child's messages (not yet validated); returns the unsubscribe. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once with the pid when the child has spawned (at once when it already has). */
  onSpawn(listener: (pid: number) => void): void;
  /** Called once when the child has exited and its output is drained. */
  onExit(listener: (exit: ChildExit) => void): void;
  /** Called when the child could not be started or a send failed. */
  onError(listener: (error: Error) => void): void;
  /** Sends SIGTERM: the child may shut down cleanly. */
  terminate(): void;
  /** Sends SIGKILL: a real crash, nothing runs in the child any more. */
  kill(): void;
}

/** Starts a child. Never throws: a start that fails reports through `onError` and `onExit`. */
export type ChildLauncher = (options: ChildLaunchOptions) => ChildHandle;

let current: ChildLauncher = forkLauncher;

/** The launcher this process starts its children with (`fork` unless told otherwise). */
export function childLauncher(): ChildLauncher {
  return current;
}

/**
 * Makes `launcher` this process's way to start children, e.g. the lab host in the desktop app
 * asks the main process to start them through `utilityProcess`. Returns the previous one.
 */
export function useChildLauncher(launcher: ChildLauncher): ChildLauncher {
  const previous = current;
  current = launcher;
  return previous;
}
