/**
 * Reproduce a call (pure): a diagnosed trace becomes a lab scenario, and the reproduction's trace
 * is compared with the original's, aligned on the first incident.
 */
export * from './types';
export { LEAD_MS, MAX_REPRODUCED_FAULTS, TAIL_MS, reproduceTrace } from './scenario';
export type { ReproduceInput } from './scenario';
export { OPEN_INCIDENT_HOLD_MS, incidentFamily, planIncident } from './faults';
export type { IncidentPlan } from './faults';
export * from './compare';
export { formatComparison, formatReproduction } from './format';
