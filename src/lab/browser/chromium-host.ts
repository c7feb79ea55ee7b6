/**
 * A {@link BrowserHost} on Debian Chromium driven by `playwright-core` (never `playwright
 * install`): one headless browser with a fresh temporary profile per host, one page per browser
 * participant. Pages load the agent from a URL that never reaches the network (playwright serves
 * it; every other request is aborted), on `localhost` so the page is a secure context and may
 * call `getUserMedia` for Chromium's fake camera and microphone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { AgentPageBase } from './agent-page-base';
import { parseAgentEvent, type AgentPage, type BrowserHost } from './agent-protocol';
import { AGENT_URL, pageAgentHtml } from './page-agent';
import { CodedError, type CodedErrorOptions } from '../../shared/errors';

/** Where Debian puts Chromium; `FAULTLINE_CHROMIUM` overrides it. */
export function chromiumPath(): string {
  return process.env['FAULTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
}

/** Flags for a quiet headless Chromium on an offline machine (docs/WEBRTC.md "Browser peers"). */
export const QUIET_CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * {@link QUIET_CHROMIUM_FLAGS} plus what a lab peer needs: fake media devices granted without a
 * prompt, loopback ICE candidates (the lab is loopback only), and no throttling of pages nobody
 * looks at.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  ...QUIET_CHROMIUM_FLAGS,
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Options of a {@link ChromiumHost}. */
export interface ChromiumHostOptions {
  /** Chromium binary (default {@link chromiumPath}). */
  executablePath?: string;
  /** How long a launch may take, ms (default 30 000). */
  launchTimeoutMs?: number;
}

/** Thrown when Chromium cannot be started; the message says what to install or set. */
export class BrowserUnavailableError extends CodedError<'BROWSER_UNAVAILABLE'> {
  override readonly name = 'BrowserUnavailableError';
  constructor(message: string, options?: CodedErrorOptions) {
    super('BROWSER_UNAVAILABLE', message, options);
  }
}

/**
 * Loads playwright-core now: evaluating it blocks the event loop for several hundred ms once,
 * which a lab does before it measures its own stalls.
 */
export async function preloadPlaywright(): Promise<void> {
  await import('playwright-core');
}

/** Headless Chromium hosting browser participants. Launches on the first page. */
export class ChromiumHost implements BrowserHost {
  private context: Promise<BrowserContext> | null = null;
  private profile: string | null = null;
  private readonly pages = new Set<ChromiumAgentPage>();
  private disposed = false;

  constructor(private readonly options: ChromiumHostOptions = {}) {}

  async openPage(): Promise<AgentPage> {
    if (this.disposed) throw new Error('the browser host is disposed');
    const context = await (this.context ??= this.launch());
    const page = await context.newPage();
    const agent = new ChromiumAgentPage(page, context.browser()?.version() ?? 'unknown');
    this.pages.add(agent);
    agent.onClosed(() => this.pages.delete(agent));
    try {
      await agent.load();
    } catch (err) {
      await agent.close();
      throw err;
    }
    if (this.disposed) {
      await agent.close();
      throw new Error('the browser host is disposed');
    }
    return agent;
  }

  /**
   * Chromium's processes (browser, renderers, GPU/utility), found on Linux as the processes whose
   * command line names this host's private profile; empty elsewhere or before the launch.
   */
  pids(): number[] {
    const profile = this.profile;
    if (!profile || process.platform !== 'linux') return [];
    const found: number[] = [];
    for (const entry of safeReaddir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(profile)) found.push(Number(entry));
      } catch {
        // the process ended while we looked
      }
    }
    return found;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const page of [...this.pages]) await page.close();
    const context = await this.context?.catch(() => null);
    await context?.close().catch(() => undefined);
    if (this.profile) await rm(this.profile, { recursive: true, force: true }).catch(() => undefined);
  }

  private async launch(): Promise<BrowserContext> {
    const executablePath = this.options.executablePath ?? chromiumPath();
    const { chromium } = await import('playwright-core');
    this.profile = await mkdtemp(join(tmpdir(), 'faultline-participant-'));
    try {
      return await chromium.launchPersistentContext(this.profile, {
        executablePath,
        headless: true,
        args: [...CHROMIUM_FLAGS],
        timeout: this.options.launchTimeoutMs ?? 30_000,
      });
    } catch (err) {
      throw new BrowserUnavailableError(
        `cannot start Chromium at ${executablePath} for a browser participant ` +
          `(install Debian's chromium or set FAULTLINE_CHROMIUM): ${(err as Error).message.split('\n')[0]}`,
        { cause: err },
      );
    }
  }
}

/** One playwright page running the agent. */
class ChromiumAgentPage extends AgentPageBase {
  constructor(
    private readonly page: Page,
    browserVersion: string,
  ) {
    super(browserVersion);
    page.on('crash', () => this.markClosed('the browser page crashed'));
    page.on('close', () => this.markClosed('the browser page closed'));
  }

  /** Serves the agent page, installs the event binding and navigates. */
  async load(): Promise<void> {
    await this.page.route('**/*', (route) =>
      route.request().url() === AGENT_URL
        ? route.fulfill({ status: 200, contentType: 'text/html', body: pageAgentHtml() })
        : route.abort(),
    );
    await this.page.exposeBinding('__faultlineEmit', (_source, json: unknown) => {
      const event = parseAgentEvent(json);
      if (event) this.emit(event);
    });
    await this.page.goto(AGENT_URL);
    const info = await this.call<{ secure: boolean }>('info', []);
    if (!info.secure) throw new Error('the participant page is not a secure context');
  }

  async call<T = unknown>(method: string, args: unknown[]): Promise<T> {
    if (this.closedReason) throw new Error(this.closedReason);
    try {
      return (await this.page.evaluate(AgentPageBase.expression(method, args))) as T;
    } catch (err) {
      throw new Error(this.closedReason ?? cleanPlaywrightMessage(err));
    }
  }

  async close(): Promise<void> {
    this.markClosed('the browser page closed');
    await this.page.close().catch(() => undefined);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** playwright prefixes page errors with `page.evaluate: Error: …` and a call log. */
function cleanPlaywrightMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .split('\n')[0]!
    .replace(/^page\.evaluate:\s*/, '')
    .replace(/^Error:\s*/, '');
}
