/**
 * What a trace says about the machine it was recorded on (header `env`). Names and versions
 * only: no host names, user names or addresses.
 */
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * The app's own name and version, from the nearest package.json named `faultline` above this
 * module: the sources (src/lab), the bundle (out/main) and the packaged app (app.asar/out/main)
 * sit at different depths.
 */
export function appInfo(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'faultline' && typeof pkg.version === 'string')
        return { name: pkg.name, version: pkg.version };
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  return { name: 'faultline', version: '0.0.0' };
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
