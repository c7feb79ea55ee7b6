/** The lab's TURN server (coturn) and how clients reach it. */
export {
  TurnServer,
  TurnServerMissingError,
  TurnServerStartError,
  findTurnserver,
  stunAnswers,
} from './turn-server';
export type { TurnIceServer, TurnServerOptions } from './turn-server';
export { LabTurn, TurnConfigError } from './lab-turn';
export type { TurnChoice } from './lab-turn';
