/**
 * The wait for a quiet machine before a scaled timeline starts: it reads the kernel's CPU
 * counters in windows, settles after enough quiet windows in a row, gives up (and says so) after
 * its bound, and stops at once when its run is cancelled. The thresholds below are chosen so the
 * outcome does not depend on how busy this machine is (a share is always ≤ 1 and never < 0).
 */
import { describe, expect, it } from 'vitest';
import { waitForQuietMachine } from '../../../src/lab/machine-load';

describe('waitForQuietMachine', () => {
  it('settles after the asked number of quiet windows', async () => {
    const result = await waitForQuietMachine({ busyAtMost: 1, windowMs: 20, windowsInARow: 3 });
    expect(result.settled).toBe(true);
    // Three windows of 20 ms each (a timer may fire up to 1 ms early against performance.now).
    expect(result.waitedMs).toBeGreaterThanOrEqual(3 * 20 - 3);
    for (const share of [result.firstBusy, result.lastBusy]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
  });

  it('gives up after its bound when the machine never counts as quiet', async () => {
    const result = await waitForQuietMachine({ busyAtMost: -1, windowMs: 20, maxWaitMs: 100 });
    expect(result.settled).toBe(false);
    expect(result.waitedMs).toBeGreaterThanOrEqual(100);
  });

  it('returns at once for a cancelled run', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await waitForQuietMachine({
      busyAtMost: -1,
      signal: controller.signal,
      maxWaitMs: 60_000,
    });
    expect(result.settled).toBe(false);
    expect(result.waitedMs).toBeLessThan(60_000);
  });
});
