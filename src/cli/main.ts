/**
 * The `faultline` command line: the same lab as the desktop app, headless.
 * Every command returns an exit code instead of exiting, so tests can call `main()`.
 */
import { Command, CommanderError } from 'commander';
import { registerRun } from './commands/run';
import { registerCheck } from './commands/check';
import { registerDiagnose } from './commands/diagnose';
import { registerReproduce } from './commands/reproduce';
import { registerCompare } from './commands/compare';
import { registerServe } from './commands/serve';
import { registerLab } from './commands/lab';
import { registerScenarios } from './commands/scenarios';
import { registerExport } from './commands/export';
import { registerReport } from './commands/report';
import { registerSoak } from './commands/soak';

/** Output seams, so tests can read what a command printed. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Parses `argv` (without node and script) and runs the command; resolves to an exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('faultline')
    .description('Reproduce and explain real-time-communication connection faults.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerRun(program, io, setExit);
  registerCheck(program, io, setExit);
  registerDiagnose(program, io, setExit);
  registerReproduce(program, io, setExit);
  registerCompare(program, io, setExit);
  registerServe(program, io, setExit);
  registerLab(program, io, setExit);
  registerScenarios(program, io, setExit);
  registerExport(program, io, setExit);
  registerReport(program, io, setExit);
  registerSoak(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`faultline: ${(error as Error).message}`);
    return 2;
  }
  return exitCode;
}
