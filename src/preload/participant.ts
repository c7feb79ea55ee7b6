/**
 * Preload of the hidden browser-participant windows (sandboxed, CommonJS): exposes exactly one
 * function, `window.__faultlineEmit(json)`, which forwards the agent's event lines to the main
 * process. No other IPC, no Node, nothing of the dashboard's bridge.
 */
import { contextBridge, ipcRenderer } from 'electron';

/** The IPC channel participant events travel on (main listens, checks the sender). */
const PARTICIPANT_EVENT_CHANNEL = 'faultline-participant:event';
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

contextBridge.exposeInMainWorld('__faultlineEmit', (json: unknown) => {
  if (typeof json === 'string' && json.length <= MAX_EVENT_CHARS)
    ipcRenderer.send(PARTICIPANT_EVENT_CHANNEL, json);
});
