import type { WebPreferences } from 'electron';

/**
 * The renderer's security options (STYLE.md "Security defaults"): isolated, sandboxed, no Node.
 * Kept in one function so a unit test can pin them.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}
