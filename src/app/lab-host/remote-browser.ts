/**
 * The lab host's {@link BrowserHost} when the parent hosts the browser participants (the
 * desktop app: hidden windows, which only the main process can open). Every page call goes to
 * the parent and back; the pages' agent events come back as `page-event` messages and are
 * validated here like any page's events.
 */
import { AgentEventSchema, AgentPageBase, type AgentPage, type BrowserHost } from '../../lab';
import type { HostRequestMethod } from './protocol';

/** Sends a request to the parent and resolves with its answer. */
export type AskParent = (
  method: HostRequestMethod,
  args: unknown[],
  timeoutMs: number | null,
) => Promise<unknown>;

/** How long the parent may take to open a page (a window, its renderer, the agent). */
const OPEN_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** One participant page in the parent. */
class RemotePage extends AgentPageBase {
  constructor(
    readonly id: number,
    browserVersion: string,
    private readonly ask: AskParent,
  ) {
    super(browserVersion);
  }

  async call<T = unknown>(method: string, args: unknown[]): Promise<T> {
    if (this.closedReason) throw new Error(this.closedReason);
    // An agent call may wait on the network (ICE, a track) as long as the page lives.
    return (await this.ask('page.call', [this.id, method, args], null)) as T;
  }

  async close(): Promise<void> {
    if (this.closedReason) return;
    this.markClosed('the participant page closed');
    await this.ask('page.close', [this.id], CLOSE_TIMEOUT_MS).catch(() => undefined);
  }

  /** The parent says the page went (its window closed, its renderer crashed). */
  gone(reason: string): void {
    this.markClosed(reason);
  }
}

/** Browser participants hosted by the parent process. */
export class RemoteBrowserHost implements BrowserHost {
  private readonly pages = new Map<number, RemotePage>();
  private knownPids: number[] = [];
  private disposed = false;

  constructor(private readonly ask: AskParent) {}

  async openPage(): Promise<AgentPage> {
    if (this.disposed) throw new Error('the browser host is disposed');
    const answer = (await this.ask('browser.open', [], OPEN_TIMEOUT_MS)) as {
      page: number;
      browserVersion: string;
    };
    const page = new RemotePage(answer.page, answer.browserVersion, this.ask);
    this.pages.set(page.id, page);
    page.onClosed(() => this.pages.delete(page.id));
    this.knownPids =
      ((await this.ask('browser.pids', [], CLOSE_TIMEOUT_MS).catch(() => [])) as number[]) ?? [];
    return page;
  }

  /** The parent's browser processes as of the last page opened. */
  pids(): number[] {
    return this.knownPids;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const page of [...this.pages.values()]) page.gone('the browser host is disposed');
    await this.ask('browser.dispose', [], CLOSE_TIMEOUT_MS).catch(() => undefined);
  }

  /** An agent event of page `id`, as the parent passed it on (validated here). */
  deliver(id: number, event: unknown): void {
    const parsed = AgentEventSchema.safeParse(event);
    if (parsed.success) this.pages.get(id)?.emit(parsed.data);
  }

  /** Page `id` is gone in the parent. */
  closed(id: number, reason: string): void {
    this.pages.get(id)?.gone(reason);
  }
}
