/**
 * The application menu: File (Open trace…, Export trace…, Quit), View (reload, zoom, dev tools
 * in development only), Help (About, with the versions).
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do (the roles cover the rest). */
export interface MenuActions {
  openTrace(): void;
  exportTrace(): void;
  about(): void;
}

/** The menu as a template (pure: a test reads it). */
export function menuTemplate(
  actions: MenuActions,
  env: { isDev: boolean; isMac: boolean },
): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { type: 'separator' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { role: 'resetZoom' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (env.isDev) view.push({ type: 'separator' }, { role: 'toggleDevTools' });
  return [
    ...(env.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Trace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openTrace() },
        { label: 'Export Trace…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.exportTrace() },
        { type: 'separator' },
        env.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    { label: '&Help', role: 'help', submenu: [{ label: 'About Faultline', click: () => actions.about() }] },
  ];
}

/** Builds the template and sets it as the application menu. */
export function installMenu(actions: MenuActions, env: { isDev: boolean; isMac: boolean }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, env)));
}
