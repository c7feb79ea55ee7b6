/**
 * `npm run bench`: prints the lab's figures, and the ratio against a peer where one exists in
 * the same run (e.g. the fault relay against a direct UDP path). `--quick` for a short run;
 * `--only lab,relay` to pick sections.
 */
import { benchLab } from './lab-bench';
import { benchRelay } from './relay-bench';
import { benchTrace } from './trace';
import { printSummary } from './summary';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = onlyArg ? new Set(onlyArg.split(',')) : null;

const sections: Array<[string, () => Promise<void>]> = [
  ['relay', () => benchRelay({ quick })],
  ['lab', () => benchLab({ quick })],
  ['trace', () => benchTrace({ quick })],
  ['renderer', async () => (await import('./renderer-bench')).benchRenderer({ quick })],
  ['import', async () => (await import('./import-bench')).benchImport({ quick })],
  ['diagnose', async () => (await import('./diagnose-bench')).benchDiagnose({ quick })],
  ['support', async () => (await import('./support-bench')).benchSupport({ quick })],
  ['scale', async () => (await import('./scale-bench')).benchScale({ quick })],
  ['lab-host', async () => (await import('./lab-host-bench')).benchLabHost({ quick })],
  ['fuzz', async () => (await import('./fuzz-bench')).benchFuzz({ quick })],
];

console.log(`Faultline bench — node ${process.versions.node}, ${quick ? 'quick' : 'full'} run`);
for (const [name, run] of sections) {
  if (only && !only.has(name)) continue;
  const started = performance.now();
  await run();
  console.log(`  (${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
printSummary();
process.exit(0);
