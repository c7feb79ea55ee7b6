/**
 * What every {@link AgentPage} host shares: its event and close listeners, and the close
 * bookkeeping (a page closes once; later calls fail with the reason it went).
 */
import type { AgentEvent, AgentPage } from './agent-protocol';

/** Base of the hosts' pages; subclasses run calls and close the real page. */
export abstract class AgentPageBase implements AgentPage {
  private readonly eventListeners = new Set<(event: AgentEvent) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  /** Why the page went, or null while it is open. */
  protected closedReason: string | null = null;

  /** @param browserVersion what runs the page, e.g. `156.0.8078.79` */
  constructor(readonly browserVersion: string) {}

  abstract call<T = unknown>(method: string, args: unknown[]): Promise<T>;
  abstract close(): Promise<void>;

  onEvent(listener: (event: AgentEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onClosed(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Delivers one validated event to the listeners. */
  emit(event: AgentEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  /** Marks the page gone (once) and tells the listeners why. */
  protected markClosed(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
    this.eventListeners.clear();
  }

  /** The agent expression for one call (arguments as JSON). */
  protected static expression(method: string, args: unknown[]): string {
    return `window.__faultline.call(${JSON.stringify(method)}, ${JSON.stringify(args)})`;
  }
}
