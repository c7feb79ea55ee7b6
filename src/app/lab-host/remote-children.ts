/**
 * The lab host's {@link ChildLauncher} when the parent must start its children (the desktop
 * app with the RunAsNode fuse off: only the main process can start Node code, through
 * `utilityProcess`). A launch goes to the parent as `child-launch`; the child's pid, messages,
 * output lines and exit come back and are presented as an ordinary {@link ChildHandle}, so the
 * channel server's parent code is the same in every runtime.
 */
import { PassThrough } from 'node:stream';
import type { ChildExit, ChildHandle, ChildLauncher } from '../../lab';
import type { HostMessage, ParentMessage } from './protocol';

type ChildReport = Extract<
  ParentMessage,
  { type: 'child-spawn' | 'child-message' | 'child-output' | 'child-error' | 'child-exit' }
>;

/** One child the parent started for this host. */
class RemoteChild implements ChildHandle {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  private childPid: number | undefined;
  private exit: ChildExit | null = null;
  private readonly messageListeners = new Set<(message: unknown) => void>();
  private readonly exitListeners: Array<(exit: ChildExit) => void> = [];
  private readonly spawnListeners: Array<(pid: number) => void> = [];
  private readonly errorListeners: Array<(error: Error) => void> = [];

  constructor(
    readonly id: number,
    private readonly toParent: (message: HostMessage) => void,
  ) {}

  get pid(): number | undefined {
    return this.exit ? undefined : this.childPid;
  }

  get connected(): boolean {
    return this.exit === null;
  }

  send(message: unknown): void {
    if (!this.exit) this.toParent({ type: 'child-send', child: this.id, message });
  }

  onMessage(listener: (message: unknown) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onSpawn(listener: (pid: number) => void): void {
    if (this.exit) return;
    if (this.childPid !== undefined) listener(this.childPid);
    else this.spawnListeners.push(listener);
  }

  onExit(listener: (exit: ChildExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  terminate(): void {
    if (!this.exit) this.toParent({ type: 'child-signal', child: this.id, signal: 'SIGTERM' });
  }

  kill(): void {
    if (this.exit) return;
    // Straight from here when the pid is known: a crash step must not wait on the parent.
    if (this.childPid !== undefined) {
      try {
        process.kill(this.childPid, 'SIGKILL');
        return;
      } catch {
        // gone already, or not ours to signal: let the parent do it
      }
    }
    this.toParent({ type: 'child-signal', child: this.id, signal: 'SIGKILL' });
  }

  /** Applies one report of the parent about this child. */
  report(message: ChildReport): void {
    switch (message.type) {
      case 'child-spawn':
        this.childPid = message.pid;
        for (const listener of this.spawnListeners.splice(0)) listener(message.pid);
        return;
      case 'child-message':
        for (const listener of [...this.messageListeners]) listener(message.message);
        return;
      case 'child-output':
        (message.stream === 'stdout' ? this.stdout : this.stderr).write(`${message.line}\n`);
        return;
      case 'child-error':
        for (const listener of this.errorListeners) listener(new Error(message.message));
        return;
      case 'child-exit': {
        if (this.exit) return;
        this.exit = { code: message.code, signal: message.signal as NodeJS.Signals | null };
        this.stdout.end();
        this.stderr.end();
        const exit = this.exit;
        for (const listener of this.exitListeners.splice(0)) listener(exit);
        this.messageListeners.clear();
        return;
      }
    }
  }
}

/** The children a host asked its parent for, and the launcher that asks. */
export class RemoteChildren {
  private readonly children = new Map<number, RemoteChild>();
  private nextId = 1;

  constructor(private readonly send: (message: HostMessage) => void) {}

  /** The launcher to install with `useChildLauncher`. */
  readonly launcher: ChildLauncher = (options) => {
    const child = new RemoteChild(this.nextId++, this.send);
    this.children.set(child.id, child);
    child.onExit(() => this.children.delete(child.id));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
    this.send({
      type: 'child-launch',
      child: child.id,
      entry: options.entry,
      execArgv: options.execArgv,
      env,
      serviceName: options.serviceName,
    });
    return child;
  };

  /** Routes one child report from the parent. */
  report(message: ChildReport): void {
    this.children.get(message.child)?.report(message);
  }

  /** The parent is gone: every child counts as exited (the parent's runtime ends them with it). */
  lost(): void {
    for (const child of [...this.children.values()])
      child.report({ type: 'child-exit', child: child.id, code: null, signal: null });
  }
}
