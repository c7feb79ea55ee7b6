/**
 * The two requests of the contract that need more than one call on the lab: which scenario a
 * `scenario:run` names, and what a `server:run-action` does.
 */
import type { InvokeParsed } from '../../shared/ipc';
import type { Scenario } from '../../shared';
import type { Lab } from '../../lab';
import { builtinScenarios, findBuiltinScenario } from '../../lab';
import { serviceError } from './errors';

/** The scenario of a `scenario:run` request: a built-in by name, or the one sent inline. */
export function resolveScenario(request: InvokeParsed<'scenario:run'>['scenario']): Scenario {
  if (!('name' in request)) return request.inline;
  const found = findBuiltinScenario(request.name);
  if (found) return found;
  const names = builtinScenarios()
    .map((s) => s.name)
    .join(', ');
  throw serviceError(
    'UNKNOWN_SCENARIO',
    `No built-in scenario is named "${request.name}" (built-ins: ${names}).`,
  );
}

/** Carries out a `server:run-action` on the lab's embedded server. */
export async function runServerAction(lab: Lab, req: InvokeParsed<'server:run-action'>): Promise<void> {
  switch (req.action) {
    case 'stop':
      await lab.serverStop(req.forMs);
      return;
    case 'crash':
      await lab.serverCrash(req.forMs);
      return;
    case 'start':
      return lab.serverStart();
    case 'ban-uid':
      return lab.serverBan(req.uid);
    case 'ban-channel':
      return lab.serverBan();
    case 'expire-token':
      return lab.serverExpireToken(req.uid);
    case 'accepting':
      return lab.serverSetAccepting(req.accepting);
  }
}
