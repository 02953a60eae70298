/**
 * Keyboard shortcuts of the editor's commands. The keys of the native menu's commands come from
 * electron/commands.ts (COMMAND_ACCELERATORS, Electron accelerator syntax), so a menu item and its
 * shortcut cannot drift apart; a few aliases and renderer-only commands are added here.
 * Pure: works on plain key-event-like objects, no DOM.
 */
import { COMMAND_ACCELERATORS, MENU_COMMANDS, type MenuCommand } from '../../electron/commands';

/** Every command the editor runs: the native menu's, plus a few only bound to keys. */
export type CommandId = MenuCommand | 'edit.duplicate' | 'edit.group';

export const COMMAND_IDS: readonly CommandId[] = [...MENU_COMMANDS, 'edit.duplicate', 'edit.group'];

/** One key combination. `mod` is Ctrl, or ⌘ on macOS (Electron's CmdOrCtrl). */
export interface KeyCombo {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

/** The parts of a KeyboardEvent a shortcut looks at. */
export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Extra keys beside the menu's accelerator (the menu shows only the first). */
export const KEY_ALIASES: Readonly<Partial<Record<CommandId, readonly string[]>>> = {
  'edit.redo': ['CmdOrCtrl+Y'],
  'edit.delete': ['Backspace'],
  'view.zoomIn': ['CmdOrCtrl+Shift+=', 'CmdOrCtrl+Plus'],
  'edit.duplicate': ['CmdOrCtrl+D'],
  'edit.group': ['CmdOrCtrl+G'],
};

const MOD_TOKENS = new Set([
  'cmdorctrl',
  'commandorcontrol',
  'ctrl',
  'control',
  'cmd',
  'command',
  'meta',
  'super',
]);
const NAMED_KEYS: Record<string, string> = {
  enter: 'Enter',
  return: 'Enter',
  escape: 'Escape',
  esc: 'Escape',
  delete: 'Delete',
  backspace: 'Backspace',
  tab: 'Tab',
  space: ' ',
  plus: '+',
};
/** KeyboardEvent.code of keys whose `key` changes with Shift or the layout. */
const KEY_CODES: Record<string, string> = { '=': 'Equal', '-': 'Minus' };

/** Parses an Electron accelerator ("CmdOrCtrl+Shift+S"); throws on one without a key. */
export function parseAccelerator(accelerator: string): KeyCombo {
  // "CmdOrCtrl++" would be ambiguous; Electron spells that key "Plus"
  const tokens = accelerator.split('+').map((t) => t.trim());
  const combo: KeyCombo = { key: '', mod: false, shift: false, alt: false };
  for (const t of tokens) {
    const low = t.toLowerCase();
    if (MOD_TOKENS.has(low)) combo.mod = true;
    else if (low === 'shift') combo.shift = true;
    else if (low === 'alt' || low === 'option') combo.alt = true;
    else if (t !== '') combo.key = NAMED_KEYS[low] ?? (t.length === 1 ? low : t);
  }
  if (!combo.key) throw new Error(`The shortcut "${accelerator}" names no key.`);
  return combo;
}

export function matchesCombo(c: KeyCombo, e: KeyLike): boolean {
  if (c.mod !== (e.ctrlKey || e.metaKey) || c.shift !== e.shiftKey || c.alt !== e.altKey) return false;
  if (/^[0-9]$/.test(c.key)) return e.code === `Digit${c.key}` || e.key === c.key;
  if (KEY_CODES[c.key] && e.code === KEY_CODES[c.key]) return true;
  return c.key.length === 1 ? e.key.toLowerCase() === c.key : e.key === c.key;
}

export type KeyBindings = ReadonlyArray<readonly [CommandId, KeyCombo]>;

/** Every (command, key) pair: the menu accelerators first, then the aliases. */
export function keyBindings(): KeyBindings {
  const out: Array<readonly [CommandId, KeyCombo]> = [];
  for (const id of MENU_COMMANDS) out.push([id, parseAccelerator(COMMAND_ACCELERATORS[id])]);
  for (const id of COMMAND_IDS)
    for (const acc of KEY_ALIASES[id] ?? []) out.push([id, parseAccelerator(acc)]);
  return out;
}

/** The command a key press stands for, if any. */
export function commandForKey(e: KeyLike, bindings: KeyBindings = keyBindings()): CommandId | undefined {
  return bindings.find(([, c]) => matchesCombo(c, e))?.[0];
}

/** The first key of a command as shown in tooltips ("Ctrl+Shift+S", "⌘⇧S" on macOS). */
export function shortcutLabel(id: CommandId, mac = false): string {
  const acc =
    (id in COMMAND_ACCELERATORS ? COMMAND_ACCELERATORS[id as MenuCommand] : KEY_ALIASES[id]?.[0]) ?? '';
  if (!acc) return '';
  const c = parseAccelerator(acc);
  const key = c.key.length === 1 ? c.key.toUpperCase() : c.key === 'Escape' ? 'Esc' : c.key;
  if (mac) return `${c.mod ? '⌘' : ''}${c.alt ? '⌥' : ''}${c.shift ? '⇧' : ''}${key}`;
  return [c.mod ? 'Ctrl' : '', c.alt ? 'Alt' : '', c.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}
