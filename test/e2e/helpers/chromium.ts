/**
 * Debian Chromium driven by playwright-core (never `playwright install`), with the flags that
 * keep it quiet on an offline machine (docs/WEBRTC.md "Browser peers"), in a fresh profile.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { chromiumPath, QUIET_CHROMIUM_FLAGS } from '../../../src/lab/browser/chromium-host';

/** Where Debian puts Chromium; override with FAULTLINE_CHROMIUM. */
export const CHROMIUM_PATH = chromiumPath();

/**
 * A headless Chromium with its own temporary profile; `close()` removes the profile. `args` adds
 * flags (e.g. fake capture devices).
 */
export async function launchChromium(
  opts: { args?: string[] } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'faultline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...QUIET_CHROMIUM_FLAGS, ...(opts.args ?? [])],
    viewport: { width: 1440, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
