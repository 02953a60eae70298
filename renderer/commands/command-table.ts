/**
 * The editor's command table and its two entrances: a key press (through the keymap) and a
 * native menu command (Electron's `onMenuCommand`). Both run the same table entry, so a menu
 * item and its shortcut always do the same thing. Pure: the table's functions are supplied by the
 * caller (app-commands.ts), which keeps this testable without a browser.
 */
import { commandForKey, keyBindings, type CommandId, type KeyBindings, type KeyLike } from './keymap';

export interface Command {
  run(): void | Promise<void>;
  /** Whether its key works while focus is in a text field (else the field keeps the key). */
  inTextFields?: boolean;
  /** What the menu item does while focus is in a text field, when it differs (e.g. select the text). */
  inTextField?(): void;
  /** When false, the key is left to the page (not handled, not prevented). */
  enabled?(): boolean;
}

export type CommandTable = Readonly<Record<CommandId, Command>>;

/** The slice of a KeyboardEvent the key handler uses. */
export interface KeyEventLike extends KeyLike {
  preventDefault(): void;
  defaultPrevented?: boolean;
  isComposing?: boolean;
}

/** Whether an element is a text field (input, textarea, select, contenteditable). */
export function isEditable(el: { tagName: string; isContentEditable?: boolean } | null | undefined): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable === true;
}

function start(cmd: Command, onError: (e: unknown) => void): void {
  try {
    const r = cmd.run();
    if (r instanceof Promise) r.catch(onError);
  } catch (e) {
    onError(e);
  }
}

export interface Dispatcher {
  /** Handles a keydown: runs the bound command and prevents the default. Returns the command run. */
  onKeyDown(e: KeyEventLike, focusInTextField: boolean): CommandId | undefined;
  /** Runs a native menu command. Returns whether it ran. */
  onMenuCommand(id: CommandId, focusInTextField: boolean): boolean;
  /** Runs a command from a button (toolbar). Returns whether it ran. */
  run(id: CommandId): boolean;
}

export function createDispatcher(
  table: CommandTable,
  onError: (e: unknown) => void,
  bindings: KeyBindings = keyBindings(),
): Dispatcher {
  const enabled = (cmd: Command) => !cmd.enabled || cmd.enabled();
  return {
    onKeyDown(e, focusInTextField) {
      if (e.defaultPrevented || e.isComposing) return undefined;
      const id = commandForKey(e, bindings);
      if (!id) return undefined;
      const cmd = table[id];
      if (focusInTextField && !cmd.inTextFields) return undefined;
      if (!enabled(cmd)) return undefined;
      // handled here: Electron then does not offer the key to the menu as well
      e.preventDefault();
      start(cmd, onError);
      return id;
    },
    onMenuCommand(id, focusInTextField) {
      const cmd = table[id];
      if (focusInTextField && cmd.inTextField) {
        cmd.inTextField();
        return true;
      }
      if (!enabled(cmd)) return false;
      start(cmd, onError);
      return true;
    },
    run(id) {
      const cmd = table[id];
      if (!enabled(cmd)) return false;
      start(cmd, onError);
      return true;
    },
  };
}
