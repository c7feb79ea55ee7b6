/**
 * The lab's one door: everything the desktop app, browser mode and the CLI use from the lab
 * (the Electron-free core: clients, channel server, faults, scenarios, soak, trace files).
 * Code outside `src/lab` imports from here only (the `house/import-boundaries` lint rule);
 * tests may reach inside.
 */
export { AgentPageBase } from './browser/agent-page-base';
export {
  AgentEventSchema,
  parseAgentEvent,
  type AgentEvent,
  type AgentPage,
  type BrowserHost,
} from './browser/agent-protocol';
export {
  childLauncher,
  forkLauncher,
  parentChannel,
  pidAlive,
  resolveChildEntry,
  useChildLauncher,
  type ChildEntry,
  type ChildExit,
  type ChildHandle,
  type ChildLaunchOptions,
  type ChildLauncher,
  type ParentChannel,
} from './child';
export { AGENT_URL, pageAgentHtml } from './browser/page-agent';
export { appInfo, environmentInfo } from './environment';
export type { ActiveFault } from './fault-controller';
export { Lab, type EngineName, type ServerChoice } from './lab';
export { builtinScenarios, findBuiltinScenario, loadScenario } from './scenario/library';
export { runScenario } from './scenario/runner';
export type { RunResult } from './scenario/runner';
export { runStandaloneServer } from './server/standalone';
export {
  DurationError,
  formatDuration,
  formatSoakReport,
  parseDuration,
  runSoak,
  type SoakProgress,
} from './soak';
export { traceChunks, writeTrace } from './trace/codec';
export { Utf8Chunker } from './trace/utf8-chunker';
export { TraceReadError, readTrace, type ReadTraceResult, type TraceReadErrorCode } from './trace/reader';
export type { TraceRecorder } from './trace/recorder';
export {
  JOURNAL_FILE_MODE,
  journalBytes,
  readJournal,
  removeJournal,
  renameJournal,
  streamJournal,
} from './trace/segments';
