/**
 * What a trace says about the machine it was recorded on (header `env`). Names and versions
 * only: no host names, user names or addresses.
 */
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The app's own name and version, from package.json. */
export function appInfo(): { name: string; version: string } {
  try {
    const pkg = require('../../../package.json') as { name: string; version: string };
    return { name: pkg.name, version: pkg.version };
  } catch {
    return { name: 'faultline', version: '0.0.0' };
  }
}

/** OS, CPU, memory and runtime/engine versions for a trace header. */
export function environmentInfo(engine: string): Record<string, unknown> {
  const cpuList = cpus();
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.versions.node,
    electron: process.versions['electron'] ?? null,
    chrome: process.versions['chrome'] ?? null,
    engine,
    wrtc: packageVersion('@roamhq/wrtc'),
    werift: packageVersion('werift'),
  };
}
