/**
 * What reproducing a trace produces: a scenario the lab can play (and a person can edit first),
 * the map from the trace's subjects to the scenario's participants, and notes on every incident
 * that could not become a fault.
 */
import type { z } from 'zod';
import type { StepSchema } from '../scenario/schema';
import type { ScenarioInput } from '../scenario/schema';

/** A scenario step as a person writes it (defaults optional). */
export type ScenarioStepInput = z.input<typeof StepSchema>;

/** One incident and what the reproduction does about it. */
export interface ReproducedIncident {
  incidentId: string;
  /** Index of the step that reproduces it, or null when none does. */
  step: number | null;
  /** Why no step reproduces it (null when one does). */
  skipped: string | null;
}

/** The answer of `reproduceTrace`. */
export interface Reproduction {
  scenario: ScenarioInput;
  /** Model ms added to every incident time so the lab's clients are joined and measured first. */
  shiftMs: number;
  /** Trace subject → scenario participant uid. */
  participants: Array<{ subject: number; uid: number; label: string }>;
  incidents: ReproducedIncident[];
  /** Plain sentences for a person about what differs from the original. */
  notes: string[];
}
