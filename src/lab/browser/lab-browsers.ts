/**
 * A lab's browser participants: the host their pages run in (the one the lab was given — hidden
 * windows in the desktop app — or a headless Chromium of the lab's own, started on the first
 * browser participant and owned by the lab), and one engine runtime per participant whose
 * failures and page loss are recorded against its uid.
 */
import type { RecordSink } from '../../shared/trace/sink';
import type { IceConfig } from '../clients/engines';
import type { WebRtcRuntime } from '../clients/webrtc-runtime';
import type { AgentPage, BrowserHost } from './agent-protocol';
import { browserRuntime } from './browser-runtime';
import { ChromiumHost } from './chromium-host';

/** See the file comment. */
export class LabBrowsers {
  private own: ChromiumHost | null = null;
  private disposed = false;

  /**
   * @param given a host to use (not owned), or null for a headless Chromium of our own
   * @param sink where the participants' warnings and page loss go
   * @param onStall where each page's event-loop stalls go (real ms, see page-agent.ts)
   */
  constructor(
    private readonly given: BrowserHost | null,
    private readonly sink: RecordSink,
    private readonly onStall: (uid: number, ms: number) => void = () => undefined,
  ) {}

  /** Opens a page for `uid` and wraps it as its engine runtime (owned by the client). */
  async runtimeFor(uid: number, ice: IceConfig): Promise<WebRtcRuntime> {
    if (this.disposed) throw new Error('the lab is disposed');
    const host = this.given ?? (this.own ??= new ChromiumHost());
    const page = await host.openPage();
    page.onEvent((event) => {
      if (event.kind === 'stall' && !this.disposed) this.onStall(uid, event.ms);
    });
    // A page its own client closes (leaving, the lab stopping) went as asked: only a page that
    // goes by itself (a crash, the browser gone) is an error in the trace.
    let closedByClient = false;
    page.onClosed((reason) => {
      if (!this.disposed && !closedByClient) this.sink({ type: 'log', uid, level: 'error', msg: reason });
    });
    const owned: AgentPage = {
      browserVersion: page.browserVersion,
      call: (method, args) => page.call(method, args),
      onEvent: (listener) => page.onEvent(listener),
      onClosed: (listener) => page.onClosed(listener),
      close: () => {
        closedByClient = true;
        return page.close();
      },
    };
    this.sink({
      type: 'log',
      uid,
      level: 'info',
      msg: `browser participant in Chromium ${page.browserVersion}`,
    });
    return browserRuntime(owned, ice, (msg) => this.sink({ type: 'log', uid, level: 'warn', msg }));
  }

  /** Processes of the lab's own Chromium (none for a given host: it is not ours). */
  pids(): number[] {
    return this.own?.pids() ?? [];
  }

  /** Closes the lab's own Chromium (pages are closed by their clients first). Idempotent. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.own?.dispose();
  }
}
