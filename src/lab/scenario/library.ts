/**
 * The built-in scenario library: the seed timelines first, then the common fault shapes.
 * Static JSON imports so the library ships inside any bundle.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseScenario, parseScenarioText, ScenarioError, type Scenario } from '../../shared';
import seedNg from './library/seed-ng.json';
import seedLegacy from './library/seed-legacy.json';
import shortDrop from './library/short-drop.json';
import mediumDrop from './library/medium-drop.json';
import lossyUplink from './library/lossy-uplink.json';
import highLatency from './library/high-latency.json';
import serverRestart from './library/server-restart.json';
import tokenExpiry from './library/token-expiry.json';
import sameUidLogin from './library/same-uid-login.json';
import networkSwitch from './library/network-switch.json';
import turnUdpFallback from './library/turn-udp-fallback.json';
import turnTcpFallback from './library/turn-tcp-fallback.json';

const RAW: readonly unknown[] = [
  seedNg,
  seedLegacy,
  shortDrop,
  mediumDrop,
  lossyUplink,
  highLatency,
  serverRestart,
  tokenExpiry,
  sameUidLogin,
  networkSwitch,
  turnUdpFallback,
  turnTcpFallback,
];

/** Largest scenario file accepted from disk. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Every built-in scenario, validated. */
export function builtinScenarios(): Scenario[] {
  return RAW.map((raw, i) => parseScenario(raw, `built-in scenario #${i}`));
}

/** The built-in scenario of that name, or undefined. */
export function findBuiltinScenario(name: string): Scenario | undefined {
  return builtinScenarios().find((s) => s.name === name);
}

/**
 * Resolves what a person typed: a built-in name, or a path to a scenario JSON file.
 * Throws {@link ScenarioError} naming the file and every problem.
 */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const builtin = findBuiltinScenario(nameOrPath);
  if (builtin) return builtin;
  let size: number;
  try {
    size = (await stat(nameOrPath)).size;
  } catch {
    const names = builtinScenarios()
      .map((s) => s.name)
      .join(', ');
    throw new ScenarioError(nameOrPath, [
      `no such file, and no built-in scenario of that name (built-ins: ${names})`,
    ]);
  }
  if (size > MAX_SCENARIO_BYTES) {
    throw new ScenarioError(nameOrPath, [
      `file is ${size} bytes; scenarios are limited to ${MAX_SCENARIO_BYTES}`,
    ]);
  }
  return parseScenarioText(await readFile(nameOrPath, 'utf8'), nameOrPath);
}
