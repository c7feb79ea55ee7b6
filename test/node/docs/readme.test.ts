/**
 * The README keeps up with the code, and the repository stands on its own: every `faultline`
 * command the CLI registers and every built-in scenario is named in the README, and no tracked
 * file sends a reader to a design document that lives outside the repository.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { builtinScenarios } from '../../../src/lab/scenario/library';

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The command names `faultline --help` lists. */
async function cliCommands(): Promise<string[]> {
  const lines: string[] = [];
  await main(['--help'], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const text = lines.join('\n');
  const section = text.slice(text.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('the README', () => {
  it('names every CLI command in its CLI table', async () => {
    const commands = await cliCommands();
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const missing = commands.filter((c) => !new RegExp(`\`faultline ${c}\\b`).test(readme));
    expect(missing, 'CLI commands the README does not name').toEqual([]);
  });

  it('names every built-in scenario', () => {
    const missing = builtinScenarios()
      .map((s) => s.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(missing, 'built-in scenarios the README does not name').toEqual([]);
  });
});

describe('the repository stands on its own', () => {
  it('has no file that cites a design document kept outside it', () => {
    // Built from pieces so that this file does not match itself.
    const outside = new RegExp(
      `\\b(${['DESIGN', 'STYLE', 'WEBRTC-NOTES'].join('|')})\\.md\\b|\\bseeds/|\\.\\./${'shared'}/`,
    );
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => /\.(ts|vue|js|mjs|cjs|md|json|yml|yaml|html|css|sh)$/.test(f))
      .filter((f) => f !== 'package-lock.json' && !f.startsWith('node_modules/'));
    const hits: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // deleted in the working tree
      }
      text.split('\n').forEach((line, i) => {
        // Relative imports of the repository's own src/shared are fine.
        if (/^\s*(import|export)\b|from '/.test(line)) return;
        if (outside.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
