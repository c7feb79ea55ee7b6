/** Runs the `faultline` CLI in-process and collects what it printed. */
import { main } from '../../src/cli/main';

/** The exit code and the lines printed to stdout and stderr, joined. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
