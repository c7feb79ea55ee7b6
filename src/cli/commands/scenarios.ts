import type { Command } from 'commander';
import { builtinScenarios } from '../../lab';
import type { Io } from '../main';

/** `faultline scenarios`: lists the built-in scenarios. */
export function registerScenarios(program: Command, io: Io, _setExit: (code: number) => void): void {
  program
    .command('scenarios')
    .description('list the built-in scenarios')
    .action(() => {
      for (const s of builtinScenarios()) io.out(`${s.name.padEnd(16)} ${s.description}`);
    });
}
