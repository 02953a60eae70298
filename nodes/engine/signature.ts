/**
 * Node signatures: sha256 over a canonical text of what determines a node's result —
 * its type and version, its literal values after defaults (sorted by input name), the
 * signature and output name behind each linked input, and for FILE literals the resolved
 * file's identity (absolute path, size, mtime). Two nodes with equal signatures compute the
 * same thing, so one result serves both. Output nodes also sign their node id: two identical
 * output nodes still write their own files. Volatile nodes sign the run id: never reused.
 *
 * Limitation: a FILE input fed by an edge is identified by the upstream signature (the name
 * it will receive), not by the file's size and mtime.
 */
import * as crypto from 'node:crypto';
import type { FileFolder } from '../sdk/define';
import { canonicalJson } from './canonical-json';
import { MissingFileError } from './errors';
import { resolveFile } from './file-resolve';
import type { GraphNode } from './graph';
import { isWidgetSpec } from './literals';

export interface SignContext {
  folders: Partial<Record<FileFolder, readonly string[]>>;
  baseDir: string;
  /** Signatures of nodes already signed in this run. */
  signatures: ReadonlyMap<string, string>;
  /** Makes volatile nodes unique to this run. */
  runId: string;
}

export interface SignedNode {
  signature: string;
  /** Literal input values after defaults, FILE values replaced by their absolute paths. */
  literals: Record<string, unknown>;
}

type HashFn = (algorithm: string, data: string, encoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: HashFn }).hash;

export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/** Input names of each definition, sorted once (signatures walk inputs in name order). */
const sortedInputs = new WeakMap<object, string[]>();

/** Signs one node; its upstream nodes must be signed already. Throws MissingFileError. */
export function signNode(g: GraphNode, ctx: SignContext): SignedNode {
  const def = g.def!;
  let names = sortedInputs.get(def.inputs);
  if (!names) {
    names = Object.keys(def.inputs).sort();
    sortedInputs.set(def.inputs, names);
  }
  const literals: Record<string, unknown> = {};
  // The signed text: one line per input, `name=value` for literals, `name<signature:output` for
  // links, `name@{file identity}` after a FILE literal. Names cannot contain '\n'.
  let text = def.id + '\n' + def.version;
  for (const name of names) {
    const link = g.links.get(name);
    if (link) {
      text += '\n' + name + '<' + ctx.signatures.get(link.from)! + ':' + link.output;
      continue;
    }
    const spec = def.inputs[name];
    if (!isWidgetSpec(spec)) continue;
    const saved = g.values[name];
    const value = saved === undefined ? spec.default : saved;
    text +=
      '\n' +
      name +
      '=' +
      (typeof value === 'number' && Number.isFinite(value) ? String(value) : canonicalJson(value));
    if (spec.type === 'FILE' && typeof value === 'string' && value !== '') {
      const r = resolveFile(value, spec.folder, ctx.folders, ctx.baseDir);
      if (!r.found) throw new MissingFileError(g.id, def.id, name, value, r.tried);
      const f = r.found;
      text += '\n' + name + '@' + canonicalJson([f.path, f.size, f.mtimeMs]);
      literals[name] = f.path;
    } else {
      literals[name] = value;
    }
  }
  if (def.volatile) text += '\n!volatile ' + JSON.stringify(ctx.runId + '/' + g.id);
  else if (def.output) text += '\n!output ' + JSON.stringify(g.id);
  return { signature: sha256(text), literals };
}
