/**
 * Whether the TURN tests can run: they need Debian's coturn. Outside CI a missing `turnserver`
 * skips them with a printed reason; in CI (.ci/run installs coturn) it is a failure.
 */
import { findTurnserver } from '../../../src/lab/turn';

const found = findTurnserver();
if (!found && !process.env.CI) {
  console.warn('TURN tests skipped: turnserver (coturn) is not installed and CI is not set');
}

/** True when the TURN tests run (coturn present, or CI, where its absence must fail them). */
export const turnAvailable: boolean = found !== null || Boolean(process.env.CI);
