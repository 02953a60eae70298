/**
 * The native menu. Items that act on the editor send a typed command to the renderer, which runs
 * the same function as the matching keyboard shortcut; clipboard items use Chromium's native roles
 * (the page's copy/paste handlers see them as ordinary copy/paste events).
 */
import type { MenuItemConstructorOptions } from 'electron';
import { COMMAND_ACCELERATORS, PAGE_OWNED_KEYS, type MenuCommand } from './commands';

export interface MenuActions {
  send(command: MenuCommand): void;
  showAbout(): void;
  openLogsFolder(): void;
}

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Adds Toggle Developer Tools. */
  isDev: boolean;
  actions: MenuActions;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const cmd = (label: string, command: MenuCommand): MenuItemConstructorOptions => ({
    id: command,
    label,
    accelerator: COMMAND_ACCELERATORS[command],
    registerAccelerator: !PAGE_OWNED_KEYS.has(command),
    click: () => o.actions.send(command),
  });
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  const mac = o.platform === 'darwin';

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: o.appName,
      submenu: [
        { id: 'help.about', label: `About ${o.appName}`, click: () => o.actions.showAbout() },
        sep,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        sep,
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        cmd('New', 'file.new'),
        cmd('Open…', 'file.open'),
        sep,
        cmd('Save', 'file.save'),
        cmd('Save As…', 'file.saveAs'),
        cmd('Export…', 'file.export'),
        ...(mac
          ? []
          : [sep, { id: 'app.quit', role: 'quit', label: 'Quit' } satisfies MenuItemConstructorOptions]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        cmd('Undo', 'edit.undo'),
        cmd('Redo', 'edit.redo'),
        sep,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        cmd('Delete', 'edit.delete'),
        sep,
        cmd('Select All', 'edit.selectAll'),
      ],
    },
    {
      label: '&View',
      submenu: [
        cmd('Fit View', 'view.fit'),
        cmd('Zoom In', 'view.zoomIn'),
        cmd('Zoom Out', 'view.zoomOut'),
        sep,
        cmd('Toggle Minimap', 'view.toggleMinimap'),
        ...(o.isDev
          ? [sep, { id: 'view.devtools', role: 'toggleDevTools' } satisfies MenuItemConstructorOptions]
          : []),
      ],
    },
    {
      label: '&Run',
      submenu: [cmd('Run', 'run.start'), cmd('Cancel', 'run.cancel')],
    },
    {
      label: '&Help',
      role: 'help',
      submenu: [
        ...(mac
          ? []
          : [{ id: 'help.about', label: `About ${o.appName}`, click: () => o.actions.showAbout() }]),
        { id: 'help.logs', label: 'Open Logs Folder', click: () => o.actions.openLogsFolder() },
      ],
    },
  );
  return template;
}
