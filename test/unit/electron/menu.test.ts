import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_COMMANDS, type MenuCommand } from '../../../electron/commands';
import { buildMenuTemplate } from '../../../electron/menu';

function setup(platform: NodeJS.Platform = 'linux', isDev = false) {
  const sent: MenuCommand[] = [];
  const other: string[] = [];
  const template = buildMenuTemplate({
    appName: 'Wan Studio',
    platform,
    isDev,
    actions: {
      send: (c) => sent.push(c),
      showAbout: () => other.push('about'),
      openLogsFolder: () => other.push('logs'),
    },
  });
  const menu = (label: string) => {
    const m = template.find((t) => t.label?.replace('&', '') === label);
    assert.ok(m, `menu ${label}`);
    return m.submenu as MenuItemConstructorOptions[];
  };
  const item = (menuLabel: string, label: string) => {
    const i = menu(menuLabel).find((x) => x.label === label);
    assert.ok(i, `${menuLabel} → ${label}`);
    return i;
  };
  const click = (i: MenuItemConstructorOptions) => (i.click as () => void)();
  return { template, sent, other, menu, item, click };
}

describe('native menu', () => {
  test('top-level menus on Linux/Windows', () => {
    const { template } = setup();
    assert.deepEqual(
      template.map((t) => t.label),
      ['&File', '&Edit', '&View', '&Run', '&Help'],
    );
  });

  test('each editor item sends its command (the same ids as the keyboard shortcuts)', () => {
    const s = setup();
    const expected: Array<[string, string, MenuCommand, string]> = [
      ['File', 'New', 'file.new', 'CmdOrCtrl+N'],
      ['File', 'Open…', 'file.open', 'CmdOrCtrl+O'],
      ['File', 'Save', 'file.save', 'CmdOrCtrl+S'],
      ['File', 'Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'],
      ['File', 'Export…', 'file.export', 'CmdOrCtrl+E'],
      ['Edit', 'Undo', 'edit.undo', 'CmdOrCtrl+Z'],
      ['Edit', 'Redo', 'edit.redo', 'CmdOrCtrl+Shift+Z'],
      ['Edit', 'Delete', 'edit.delete', 'Delete'],
      ['Edit', 'Select All', 'edit.selectAll', 'CmdOrCtrl+A'],
      ['View', 'Fit View', 'view.fit', 'Shift+1'],
      ['View', 'Zoom In', 'view.zoomIn', 'CmdOrCtrl+='],
      ['View', 'Zoom Out', 'view.zoomOut', 'CmdOrCtrl+-'],
      ['View', 'Toggle Minimap', 'view.toggleMinimap', 'Shift+M'],
      ['Run', 'Run', 'run.start', 'CmdOrCtrl+Enter'],
      ['Run', 'Cancel', 'run.cancel', 'Escape'],
    ];
    for (const [m, label, command, accel] of expected) {
      const i = s.item(m, label);
      assert.equal(i.accelerator, accel, label);
      s.click(i);
      assert.equal(s.sent.at(-1), command, label);
    }
    assert.deepEqual([...new Set(s.sent)].sort(), [...MENU_COMMANDS].sort());
  });

  test('keys text fields need stay with the page (Undo, Delete, Esc…); file and run keys also fire from the menu', () => {
    const s = setup();
    assert.equal(s.item('Edit', 'Undo').registerAccelerator, false);
    assert.equal(s.item('Edit', 'Select All').registerAccelerator, false);
    assert.equal(s.item('Edit', 'Delete').registerAccelerator, false);
    assert.equal(s.item('Run', 'Cancel').registerAccelerator, false);
    assert.equal(s.item('View', 'Fit View').registerAccelerator, false);
    assert.equal(s.item('File', 'Save').registerAccelerator, true);
    assert.equal(s.item('Run', 'Run').registerAccelerator, true);
  });

  test('clipboard and quit use native roles', () => {
    const s = setup();
    const roles = s
      .menu('Edit')
      .map((i) => i.role)
      .filter(Boolean);
    assert.deepEqual(roles, ['cut', 'copy', 'paste']);
    assert.equal(s.item('File', 'Quit').role, 'quit');
  });

  test('Help → About and Open Logs Folder', () => {
    const s = setup();
    s.click(s.item('Help', 'About Wan Studio'));
    s.click(s.item('Help', 'Open Logs Folder'));
    assert.deepEqual(s.other, ['about', 'logs']);
    assert.deepEqual(s.sent, []);
  });

  test('DevTools only in development', () => {
    const hasDevtools = (t: MenuItemConstructorOptions[]) => JSON.stringify(t).includes('toggleDevTools');
    assert.equal(hasDevtools(setup('linux', false).template), false);
    assert.equal(hasDevtools(setup('linux', true).template), true);
  });

  test('macOS gets the app menu with About and Quit; File has no Quit', () => {
    const s = setup('darwin');
    assert.equal(s.template[0].label, 'Wan Studio');
    const appMenu = s.template[0].submenu as MenuItemConstructorOptions[];
    assert.ok(appMenu.some((i) => i.role === 'quit'));
    assert.ok(appMenu.some((i) => i.label === 'About Wan Studio'));
    assert.ok(!s.menu('File').some((i) => i.role === 'quit'));
  });
});
