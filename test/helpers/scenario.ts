/**
 * Runs a scenario for a test whose assertions need a verdict. When the lab proves that the
 * machine interfered — the report has `unreliable` expectations (a recorded stall of the lab's
 * own event loops decided them) and nothing failed outright — the run says nothing about the
 * code under test, so it runs again, at most `attempts` times in all, and says why on stderr.
 * A run with a failed expectation or a model violation is never run again.
 */
import { resultWord } from '../../src/shared/check';
import type { Scenario } from '../../src/shared';
import { runScenario, type RunOptions, type RunResult } from '../../src/lab/scenario/runner';

/** See the file comment. */
export async function runJudgedScenario(
  scenario: Scenario,
  options: RunOptions = {},
  attempts = 3,
): Promise<RunResult> {
  let result = await runScenario(scenario, options);
  for (let attempt = 2; attempt <= attempts && resultWord(result.report) === 'UNRELIABLE'; attempt++) {
    const stalls = result.report.expectations.flatMap((e) => (e.stall ? [e.stall.message] : []));
    console.warn(
      `${scenario.name}: run ${attempt - 1} unreliable (${[...new Set(stalls)].join('; ')}); running it again`,
    );
    result = await runScenario(scenario, options);
  }
  return result;
}
