/**
 * The WebRTC engines a local participant can run on. `wrtc` is libwebrtc in Node
 * (@roamhq/wrtc), `werift` a TypeScript stack in Node, `browser` Chromium's own stack in a
 * browser page (headless Chromium from the CLI and tests, a hidden window in the desktop app).
 */
import { z } from 'zod';

/** Engine names, default first. */
export const ENGINE_NAMES = ['wrtc', 'werift', 'browser'] as const;
/** One engine name. */
export type EngineName = (typeof ENGINE_NAMES)[number];
/** Validates an engine name. */
export const EngineNameSchema = z.enum(ENGINE_NAMES);

/** What each engine is, for people (CLI help, the dashboard's engine picker). */
export const ENGINE_LABELS: Readonly<Record<EngineName, string>> = {
  wrtc: 'libwebrtc in Node (@roamhq/wrtc)',
  werift: 'werift (TypeScript)',
  browser: 'browser (Chromium)',
};

/**
 * The smallest time scale at which the built-in timelines hold on each engine. Handshakes (ICE,
 * DTLS) and encoder start-up take real time that no scale shortens (docs/DEVELOPMENT.md):
 * werift's DTLS in JavaScript 0.3–1 s; a browser participant's capture and encoder start, with
 * a page per participant, up to a few hundred ms on a loaded 2-core machine.
 */
export const SAFE_TIME_SCALE: Readonly<Record<EngineName, number>> = {
  wrtc: 0.1,
  werift: 0.5,
  browser: 0.25,
};

/** True for a known engine name. */
export function isEngineName(value: unknown): value is EngineName {
  return typeof value === 'string' && (ENGINE_NAMES as readonly string[]).includes(value);
}
