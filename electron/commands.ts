/**
 * Commands the native menu sends to the renderer (channel `menu:command`). The renderer runs
 * the same function for a menu click as for the matching keyboard shortcut, so both stay in step.
 * Pure data: importable by the main process, the preload and the renderer.
 */

export const MENU_COMMANDS = [
  'file.new',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.export',
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'edit.selectAll',
  'view.fit',
  'view.zoomIn',
  'view.zoomOut',
  'view.toggleMinimap',
  'run.start',
  'run.cancel',
] as const;

/** A command id the renderer handles (keyboard shortcut and menu item alike). */
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export function isMenuCommand(v: unknown): v is MenuCommand {
  return typeof v === 'string' && (MENU_COMMANDS as readonly string[]).includes(v);
}

/**
 * The key each command is bound to (Electron accelerator syntax; CmdOrCtrl = Ctrl, or ⌘ on
 * macOS). The renderer's keyboard handling should use the same keys.
 */
export const COMMAND_ACCELERATORS: Record<MenuCommand, string> = {
  'file.new': 'CmdOrCtrl+N',
  'file.open': 'CmdOrCtrl+O',
  'file.save': 'CmdOrCtrl+S',
  'file.saveAs': 'CmdOrCtrl+Shift+S',
  'file.export': 'CmdOrCtrl+E',
  'edit.undo': 'CmdOrCtrl+Z',
  'edit.redo': 'CmdOrCtrl+Shift+Z',
  'edit.delete': 'Delete',
  'edit.selectAll': 'CmdOrCtrl+A',
  'view.fit': 'Shift+1',
  'view.zoomIn': 'CmdOrCtrl+=',
  'view.zoomOut': 'CmdOrCtrl+-',
  'view.toggleMinimap': 'Shift+M',
  'run.start': 'CmdOrCtrl+Enter',
  'run.cancel': 'Escape',
};

/**
 * Commands whose keys the page must keep for itself (text fields use them natively): their menu
 * items show the key but leave the keystroke to the renderer. The others also fire from the menu
 * when the page does not handle the keystroke (Electron offers unhandled keys to the menu).
 */
export const PAGE_OWNED_KEYS: ReadonlySet<MenuCommand> = new Set<MenuCommand>([
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'edit.selectAll',
  'view.fit',
  'view.toggleMinimap',
  'run.cancel',
]);
