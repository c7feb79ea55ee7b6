/**
 * Electron fuses: electron-builder.yml asks for them under the key names the installed
 * electron-builder knows (its own schema and its own fuse mapping decide, read by Electron's fuse
 * names), and nothing on the desktop app's path depends on what RunAsNode off takes away:
 * `child_process.fork` appears only in the fork launcher, the main process starts the lab host
 * and the host's children with `utilityProcess`, and the host installs the relay before its lab.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
// All three come with electron-builder, which reads this very file with them.
const { load } = require('js-yaml') as { load(text: string): unknown };
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<number, string> };
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
};

const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

/** The fuses electron-builder flips for this config, by Electron's names (`RunAsNode`, …). */
async function flippedFuses(): Promise<Record<string, unknown>> {
  const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, config['electronFuses']);
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    const name = FuseV1Options[Number(key)];
    if (name !== undefined && /^\d+$/.test(key)) named[name] = value;
  }
  return named;
}

describe('electron-builder fuses', () => {
  it('uses only fuse keys the installed electron-builder accepts', () => {
    const schema = require('app-builder-lib/scheme.json') as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown>; additionalProperties: boolean } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    expect(config['electronFuses']).toBeTypeOf('object');
    expect(Object.keys(config['electronFuses'] as object).filter((k) => !known.includes(k))).toEqual([]);
  });

  it('turns off RunAsNode, NODE_OPTIONS and --inspect; turns on asar integrity and asar-only loading', async () => {
    expect(await flippedFuses()).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
    });
    // Integrity validation needs the asar and the hash electron-builder embeds for it.
    expect(config['asar']).toBe(true);
    expect(config['disableAsarIntegrity']).toBeUndefined();
  });
});

/** `text` without block comments and whole-line `//` comments: prose may name what code may not. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Every TypeScript source under `dirs`, as [path relative to the root, text]. */
function sources(...dirs: string[]): Array<[string, string]> {
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file): [string, string] => {
        const path = relative(root, join(root, dir, file))
          .split('\\')
          .join('/');
        return [path, withoutComments(readFileSync(join(root, path), 'utf8'))];
      }),
  );
}

/** What the desktop app bundles: its main process, the lab host, the lab, what they share. */
const appPath = sources('src/main', 'src/app', 'src/lab', 'src/shared');

describe('nothing on the desktop app path needs RunAsNode', () => {
  it('scans the app path (sanity: the launchers are in it)', () => {
    const paths = appPath.map(([path]) => path);
    expect(paths).toContain('src/lab/child/fork-launcher.ts');
    expect(paths).toContain('src/main/utility-launcher.ts');
    expect(paths).toContain('src/main/index.ts');
  });

  it('imports child_process by name only, and fork only in the fork launcher', () => {
    const found: string[] = [];
    const specifier = `['"](?:node:)?child_process['"]`;
    for (const [path, text] of appPath) {
      for (const m of text.matchAll(
        new RegExp(`import\\s+(type\\s+)?([^;]*?)\\s+from\\s+${specifier}`, 'g'),
      )) {
        const clause = m[2]!;
        if (!/^\{[^}]*\}$/.test(clause)) found.push(`${path}: ${clause}`);
        const names = clause.replace(/[{}]/g, '').split(',');
        for (const name of names.map((n) => n.trim().split(/\s+/)[0]).filter(Boolean)) {
          if (name === 'fork' && !m[1]) found.push(`${path}: fork`);
        }
      }
      if (new RegExp(`(?:require|import)\\s*\\(\\s*${specifier}`).test(text)) found.push(`${path}: dynamic`);
    }
    expect(found).toEqual(['src/lab/child/fork-launcher.ts: fork']);
  });

  it('calls fork only in the two launchers, and nothing runs Electron as Node', () => {
    const forks = appPath.filter(([, text]) => /\bfork\s*\(/.test(text)).map(([path]) => path);
    expect(forks.sort()).toEqual(['src/lab/child/fork-launcher.ts', 'src/main/utility-launcher.ts']);
    expect(readFileSync(join(root, 'src/main/utility-launcher.ts'), 'utf8')).toMatch(
      /utilityProcess\.fork\(/,
    );
    const asNode = appPath.filter(([, text]) => /ELECTRON_RUN_AS_NODE|process\.execPath/.test(text));
    expect(asNode.map(([path]) => path)).toEqual([]);
  });

  it('leaves the fork launcher to the lab: the main process and the app never name it', () => {
    const users = appPath
      .filter(([path]) => path.startsWith('src/main/') || path.startsWith('src/app/'))
      .filter(([, text]) => /\bforkLauncher\b|\bchildLauncher\s*\(\s*\)/.test(text));
    expect(users.map(([path]) => path)).toEqual([]);
  });

  it('starts the lab host and its children through utilityProcess in the main process', () => {
    const main = readFileSync(join(root, 'src/main/index.ts'), 'utf8');
    expect(main).toMatch(/import \{ utilityLauncher \} from '\.\/utility-launcher';/);
    const starts = [...main.matchAll(/LabHostClient\.start\(\{([\s\S]*?)\n {4}\}\)/g)];
    expect(starts).toHaveLength(1);
    const options = starts[0]![1]!;
    expect(options).toMatch(/^\s+launcher: utilityLauncher,$/m);
    expect(options).toMatch(/^\s+childLauncher: utilityLauncher,$/m);
    expect(options).toMatch(/^\s+remoteChildren: true,$/m);
  });

  it('has the lab host install the relay launcher before it creates its lab service', () => {
    const host = readFileSync(join(root, 'src/app/lab-host/host.ts'), 'utf8');
    const relay = host.indexOf('if (options.remoteChildren) useChildLauncher(children.launcher);');
    expect(relay).toBeGreaterThan(0);
    expect(relay).toBeLessThan(host.indexOf('new LabService('));
  });
});
