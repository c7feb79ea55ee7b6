/**
 * A vitest reporter that names what never finished. When a worker process dies (a native crash in
 * a WebRTC binding, an OOM kill), vitest reports only "Worker exited unexpectedly" and leaves the
 * dead file's tests looking skipped; this reporter prints the test that was running and the file
 * it belongs to, last in the log, so a CI failure points at its culprit.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Lists test cases that started without a result and test files that never finished. */
export default class UnfinishedTestsReporter implements Reporter {
  private readonly running = new Map<string, string>();

  onTestCaseReady(test: TestCase): void {
    this.running.set(test.id, `${test.module.relativeModuleId} > ${test.fullName}`);
  }

  onTestCaseResult(test: TestCase): void {
    this.running.delete(test.id);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = [...this.running.values()].map((name) => `  test started, no result: ${name}`);
    for (const module of modules) {
      const state = module.state();
      if (state === 'pending' || state === 'queued')
        lines.push(`  file did not finish (${state}): ${module.relativeModuleId}`);
    }
    if (lines.length) console.log(`\nUnfinished (a worker process may have died):\n${lines.join('\n')}\n`);
  }
}
