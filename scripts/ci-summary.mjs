#!/usr/bin/env node
/**
 * Prints the closing lines of a CI run from vitest's JSON report: the counts (with the tests that
 * never finished: vitest's JSON marks a dead worker's tests `pending`, so they only show as a
 * difference of counts — `test/reporters/unfinished-tests.ts` names them), then every failed
 * file and its failed tests. The end of a CI log is what people read first, so the culprit goes
 * there, not only somewhere above in the stream.
 *
 * Usage: node scripts/ci-summary.mjs test-artifacts/vitest.json
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const path = process.argv[2] ?? 'test-artifacts/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (err) {
  console.log(`no vitest JSON report at ${path}: ${err.message}`);
  process.exit(0);
}

const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const unfinished = report.numTotalTests - report.numPassedTests - report.numFailedTests - skipped;
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped` +
    (unfinished > 0 ? `, ${unfinished} never finished` : ''),
);

const done = new Set(['passed', 'skipped', 'pending', 'todo', 'disabled']);
for (const file of report.testResults ?? []) {
  const bad = (file.assertionResults ?? []).filter((t) => !done.has(t.status));
  if (file.status === 'passed' && bad.length === 0) continue;
  console.log(`✗ ${relative(process.cwd(), file.name)} (${file.status})`);
  if (file.message) console.log(`    ${String(file.message).split('\n').slice(0, 4).join('\n    ')}`);
  for (const t of bad) console.log(`    - ${t.fullName ?? t.title}: ${t.status}`);
}
