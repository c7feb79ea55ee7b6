/** Types of electron-runtime.mjs (see there). */
export function runtimeExecutable(platform: NodeJS.Platform): string;
export function findElectronRuntime(options: {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  requireElectron: () => unknown;
}): { path: string; why?: undefined } | { path: null; why: string };
