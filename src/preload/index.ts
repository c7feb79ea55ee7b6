/**
 * Preload: exposes one small `window.faultline` object. The typed IPC contract arrives with
 * the desktop-app issue; for now it only tells the renderer which versions it runs on.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('faultline', {
  versions: {
    node: process.versions.node,
    chrome: process.versions.chrome,
    electron: process.versions.electron,
  },
});
