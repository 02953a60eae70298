/**
 * The editor's command table without a browser: every native menu command has a key from
 * COMMAND_ACCELERATORS and a table entry; a key press and a menu command run the same entry;
 * handled keys are prevented (so Electron does not also fire the menu), text fields keep theirs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMAND_ACCELERATORS, MENU_COMMANDS } from '../../../electron/commands';
import {
  createDispatcher,
  isEditable,
  type Command,
  type CommandTable,
} from '../../../renderer/commands/command-table';
import {
  COMMAND_IDS,
  commandForKey,
  keyBindings,
  parseAccelerator,
  shortcutLabel,
  type CommandId,
  type KeyLike,
} from '../../../renderer/commands/keymap';

function key(k: string, mods: Partial<Omit<KeyLike, 'key'>> = {}) {
  let prevented = false;
  return {
    key: k,
    code: mods.code ?? '',
    ctrlKey: mods.ctrlKey ?? false,
    metaKey: mods.metaKey ?? false,
    shiftKey: mods.shiftKey ?? false,
    altKey: mods.altKey ?? false,
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}
const ctrl = (k: string, more: Partial<Omit<KeyLike, 'key'>> = {}) => key(k, { ctrlKey: true, ...more });

/** A table that records which entry ran. */
function recordingTable(overrides: Partial<Record<CommandId, Partial<Command>>> = {}) {
  const ran: string[] = [];
  const table = Object.fromEntries(
    COMMAND_IDS.map((id) => [id, { run: () => void ran.push(id), ...overrides[id] }]),
  ) as unknown as CommandTable;
  return { table, ran };
}

describe('keymap', () => {
  test('parses Electron accelerators', () => {
    assert.deepEqual(parseAccelerator('CmdOrCtrl+Shift+S'), { key: 's', mod: true, shift: true, alt: false });
    assert.deepEqual(parseAccelerator('Escape'), { key: 'Escape', mod: false, shift: false, alt: false });
    assert.deepEqual(parseAccelerator('CmdOrCtrl+='), { key: '=', mod: true, shift: false, alt: false });
    assert.deepEqual(parseAccelerator('CmdOrCtrl+-'), { key: '-', mod: true, shift: false, alt: false });
    assert.deepEqual(parseAccelerator('Alt+Plus'), { key: '+', mod: false, shift: false, alt: true });
    assert.throws(() => parseAccelerator('CmdOrCtrl+Shift'), /names no key/);
  });

  test('every menu command is bound to its menu accelerator, and no key means two commands', () => {
    const bindings = keyBindings();
    for (const id of MENU_COMMANDS) {
      const c = parseAccelerator(COMMAND_ACCELERATORS[id]);
      assert.ok(
        bindings.some(([b, k]) => b === id && JSON.stringify(k) === JSON.stringify(c)),
        `${id} (${COMMAND_ACCELERATORS[id]}) has no key binding`,
      );
    }
    const seen = new Map<string, CommandId>();
    for (const [id, c] of bindings) {
      const k = JSON.stringify(c);
      assert.ok(!seen.has(k) || seen.get(k) === id, `${k} is bound to both ${seen.get(k)} and ${id}`);
      seen.set(k, id);
    }
  });

  test('key presses find their command, with exact modifiers', () => {
    assert.equal(commandForKey(ctrl('s')), 'file.save');
    assert.equal(commandForKey(ctrl('S', { shiftKey: true })), 'file.saveAs');
    assert.equal(commandForKey(key('s', { metaKey: true })), 'file.save', '⌘S on macOS');
    assert.equal(commandForKey(ctrl('z')), 'edit.undo');
    assert.equal(commandForKey(ctrl('Z', { shiftKey: true })), 'edit.redo');
    assert.equal(commandForKey(ctrl('y')), 'edit.redo');
    assert.equal(commandForKey(ctrl('Enter')), 'run.start');
    assert.equal(commandForKey(key('Enter')), undefined);
    assert.equal(commandForKey(key('Escape')), 'run.cancel');
    assert.equal(commandForKey(key('Delete')), 'edit.delete');
    assert.equal(commandForKey(key('Backspace')), 'edit.delete');
    assert.equal(commandForKey(ctrl('s', { altKey: true })), undefined);
    assert.equal(commandForKey(key('s')), undefined);
    // Shift+1 arrives as "!" on a US layout: the physical key decides
    assert.equal(commandForKey(key('!', { shiftKey: true, code: 'Digit1' })), 'view.fit');
    assert.equal(commandForKey(key('M', { shiftKey: true })), 'view.toggleMinimap');
    assert.equal(commandForKey(ctrl('=', { code: 'Equal' })), 'view.zoomIn');
    assert.equal(commandForKey(ctrl('+', { shiftKey: true, code: 'Equal' })), 'view.zoomIn');
    assert.equal(commandForKey(ctrl('-', { code: 'Minus' })), 'view.zoomOut');
    assert.equal(commandForKey(ctrl('d')), 'edit.duplicate');
    assert.equal(commandForKey(ctrl('g')), 'edit.group');
  });

  test('tooltips show the menu key', () => {
    assert.equal(shortcutLabel('file.saveAs'), 'Ctrl+Shift+S');
    assert.equal(shortcutLabel('file.saveAs', true), '⌘⇧S');
    assert.equal(shortcutLabel('run.cancel'), 'Esc');
    assert.equal(shortcutLabel('edit.group'), 'Ctrl+G');
  });
});

describe('dispatch', () => {
  test('a key and the menu run the same table entry; the handled key is prevented', () => {
    for (const id of MENU_COMMANDS) {
      const { table, ran } = recordingTable();
      const d = createDispatcher(table, (e) => assert.fail(String(e)));
      assert.equal(d.onMenuCommand(id, false), true);
      const [k, mods] = ((): [string, Partial<KeyLike>] => {
        const c = parseAccelerator(COMMAND_ACCELERATORS[id]);
        return [
          c.key,
          {
            ctrlKey: c.mod,
            shiftKey: c.shift,
            altKey: c.alt,
            code: /^\d$/.test(c.key) ? `Digit${c.key}` : '',
          },
        ];
      })();
      const e = key(k, mods);
      assert.equal(d.onKeyDown(e, false), id);
      assert.equal(e.defaultPrevented, true, `${id}: key not prevented`);
      assert.deepEqual(ran, [id, id]);
    }
  });

  test('text fields keep their keys unless the command works there too', () => {
    const { table, ran } = recordingTable({
      'edit.undo': { inTextFields: true },
      'run.start': { inTextFields: true },
    });
    const d = createDispatcher(table, () => undefined);
    for (const e of [
      key('Delete'),
      key('Backspace'),
      ctrl('a'),
      key('M', { shiftKey: true }),
      key('Escape'),
    ]) {
      assert.equal(d.onKeyDown(e, true), undefined, e.key);
      assert.equal(e.defaultPrevented, false, `${e.key} must reach the field`);
    }
    const undo = ctrl('z');
    assert.equal(d.onKeyDown(undo, true), 'edit.undo');
    assert.equal(undo.defaultPrevented, true);
    assert.equal(d.onKeyDown(ctrl('Enter'), true), 'run.start');
    assert.deepEqual(ran, ['edit.undo', 'run.start']);
  });

  test('a disabled command leaves its key alone; an event already handled is skipped', () => {
    let running = false;
    const { table, ran } = recordingTable({ 'run.cancel': { enabled: () => running } });
    const d = createDispatcher(table, () => undefined);
    const esc = key('Escape');
    assert.equal(d.onKeyDown(esc, false), undefined);
    assert.equal(esc.defaultPrevented, false);
    assert.equal(d.onMenuCommand('run.cancel', false), false);
    running = true;
    assert.equal(d.onKeyDown(key('Escape'), false), 'run.cancel');
    const done = key('Escape');
    done.preventDefault();
    assert.equal(d.onKeyDown(done, false), undefined);
    assert.deepEqual(ran, ['run.cancel']);
  });

  test('a menu item used while typing runs its text-field action', () => {
    const field: string[] = [];
    const { table, ran } = recordingTable({
      'edit.selectAll': { inTextField: () => void field.push('selectAll') },
    });
    const d = createDispatcher(table, () => undefined);
    d.onMenuCommand('edit.selectAll', true);
    d.onMenuCommand('edit.selectAll', false);
    assert.deepEqual(field, ['selectAll']);
    assert.deepEqual(ran, ['edit.selectAll']);
  });

  test('a failing command is reported, sync or async', async () => {
    const errors: string[] = [];
    const { table } = recordingTable({
      'file.save': { run: () => Promise.reject(new Error('disk full')) },
      'file.open': {
        run: () => {
          throw new Error('no dialog');
        },
      },
    });
    const d = createDispatcher(table, (e) => errors.push((e as Error).message));
    d.run('file.save');
    d.onKeyDown(ctrl('o'), false);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(errors.sort(), ['disk full', 'no dialog']);
  });

  test('isEditable: inputs, textareas, selects and contenteditable', () => {
    assert.equal(isEditable({ tagName: 'INPUT' }), true);
    assert.equal(isEditable({ tagName: 'TEXTAREA' }), true);
    assert.equal(isEditable({ tagName: 'SELECT' }), true);
    assert.equal(isEditable({ tagName: 'DIV', isContentEditable: true }), true);
    assert.equal(isEditable({ tagName: 'DIV' }), false);
    assert.equal(isEditable(null), false);
  });
});
