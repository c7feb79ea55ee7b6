/** The support bundle: export, redaction wiring, CSV and log files. */
export * from './bundle';
export { collectEnvironment } from './environment';
export {
  statsCsv,
  eventsCsv,
  statsCsvChunks,
  eventsCsvChunks,
  csvField,
  csvRow,
  summarize,
  STATS_COLUMNS,
  EVENT_COLUMNS,
} from './csv';
export { appLogText } from './app-log';
