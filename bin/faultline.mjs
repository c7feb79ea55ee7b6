#!/usr/bin/env node
/**
 * `faultline` CLI entry. Runs the TypeScript sources through tsx, so `npx faultline …` works
 * straight after `npm ci`, with no build step.
 */
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
