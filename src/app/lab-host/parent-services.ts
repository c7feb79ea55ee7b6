/**
 * What a lab host's parent does for it: answer its requests (participant pages in the parent's
 * browser host, native path dialogs) and start its children with the parent's launcher,
 * relaying their messages, output and exit. Runtime-neutral: the desktop app passes hidden
 * windows, Electron dialogs and `utilityProcess`; the Node tests pass headless Chromium, fixed
 * paths and `fork`, and so take the same relay path.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { createInterface } from 'node:readline';
import type { AgentPage, BrowserHost, ChildHandle, ChildLauncher } from '../../lab';
import type { PathPicker } from '../services/picker-dialogs';
import type { HostMessage, ParentMessage } from './protocol';

type Send = (message: ParentMessage) => void;
type Request = Extract<HostMessage, { type: 'request' }>;
type ChildCommand = Extract<HostMessage, { type: 'child-launch' | 'child-send' | 'child-signal' }>;

/** The parent's side of the host's requests. */
export class HostRequests {
  private readonly pages = new Map<number, AgentPage>();
  private nextPage = 1;

  constructor(
    private readonly send: Send,
    private readonly browser?: BrowserHost,
    private readonly picker?: PathPicker,
  ) {}

  /** Answers one request (always with a `reply`, an error one when it cannot be done). */
  handle(request: Request): void {
    void this.answer(request).then(
      (value) => this.send({ type: 'reply', id: request.id, ok: true, value }),
      (error: unknown) =>
        this.send({
          type: 'reply',
          id: request.id,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  /** Closes the pages this host opened (the browser host itself belongs to the parent). */
  async closePages(): Promise<void> {
    for (const page of [...this.pages.values()]) await page.close().catch(() => undefined);
    this.pages.clear();
  }

  private async answer(request: Request): Promise<unknown> {
    const [first, second, third] = request.args;
    switch (request.method) {
      case 'browser.open':
        return this.openPage();
      case 'browser.pids':
        return this.browser?.pids?.() ?? [];
      case 'browser.dispose':
        await this.closePages();
        return null;
      case 'page.call':
        return this.page(first).call(String(second), Array.isArray(third) ? third : []);
      case 'page.close':
        await this.page(first).close();
        return null;
      case 'pick.save':
        return this.needPicker().pickSavePath(first === 'bundle' ? 'bundle' : 'trace', String(second ?? ''));
      case 'pick.open':
        return this.needPicker().pickOpenPath();
    }
  }

  private async openPage(): Promise<{ page: number; browserVersion: string }> {
    if (!this.browser) throw new Error('this app hosts no browser participants in its main process');
    const page = await this.browser.openPage();
    const id = this.nextPage++;
    this.pages.set(id, page);
    page.onEvent((event) => this.send({ type: 'page-event', page: id, event }));
    page.onClosed((reason) => {
      this.pages.delete(id);
      this.send({ type: 'page-closed', page: id, reason });
    });
    return { page: id, browserVersion: page.browserVersion };
  }

  private page(id: unknown): AgentPage {
    const page = typeof id === 'number' ? this.pages.get(id) : undefined;
    if (!page) throw new Error(`no participant page ${String(id)}`);
    return page;
  }

  private needPicker(): PathPicker {
    if (!this.picker) throw new Error('this app has no file dialogs');
    return this.picker;
  }
}

/** The children the parent started for its host, by the host's ids. */
export class HostChildren {
  private readonly children = new Map<number, ChildHandle>();

  constructor(
    private readonly send: Send,
    private readonly launcher?: ChildLauncher,
  ) {}

  /** Carries out one child command of the host. */
  handle(command: ChildCommand): void {
    switch (command.type) {
      case 'child-launch':
        this.launch(command);
        return;
      case 'child-send':
        this.children.get(command.child)?.send(command.message);
        return;
      case 'child-signal': {
        const child = this.children.get(command.child);
        if (command.signal === 'SIGKILL') child?.kill();
        else child?.terminate();
        return;
      }
    }
  }

  /** The host is gone: its children go too (SIGKILL; nobody is left to talk to them). */
  killAll(): void {
    for (const child of this.children.values()) child.kill();
  }

  /** Pids of the children still running. */
  pids(): number[] {
    return [...this.children.values()].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  private launch(command: Extract<ChildCommand, { type: 'child-launch' }>): void {
    const id = command.child;
    const exit = (code: number | null, signal: string | null): void =>
      this.send({ type: 'child-exit', child: id, code, signal });
    if (!this.launcher) {
      this.send({
        type: 'child-error',
        child: id,
        message: 'this parent starts no children for its lab host',
      });
      return exit(null, null);
    }
    if (!isAbsolute(command.entry) || !existsSync(command.entry)) {
      this.send({ type: 'child-error', child: id, message: `no such child entry: ${command.entry}` });
      return exit(null, null);
    }
    const child = this.launcher({
      entry: command.entry,
      execArgv: command.execArgv,
      env: command.env,
      serviceName: command.serviceName,
    });
    this.children.set(id, child);
    child.onSpawn((pid) => this.send({ type: 'child-spawn', child: id, pid }));
    child.onMessage((message) => this.send({ type: 'child-message', child: id, message }));
    child.onError((error) => this.send({ type: 'child-error', child: id, message: error.message }));
    for (const [stream, input] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      if (input)
        createInterface({ input }).on('line', (line) =>
          this.send({ type: 'child-output', child: id, stream, line }),
        );
    }
    child.onExit(({ code, signal }) => {
      this.children.delete(id);
      exit(code, signal);
    });
  }
}
