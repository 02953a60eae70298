/**
 * Seeded mutation of workflow files for fuzz.test.ts: object-level (dropped keys, wrong types,
 * odd numbers, deep nesting, prototype keys, dangling edges, cycles, duplicates, versions), text
 * level (truncation, NaN/Infinity, duplicate keys, stray characters, deep brackets) and byte level
 * (flipped and random bytes, binary signatures, cut UTF-8).
 */
import { baseDocument } from './helpers';

/** mulberry32: a tiny seeded PRNG with good enough spread for fuzzing. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;
type Obj = Record<string, Json>;

export class Fuzzer {
  readonly ops: string[] = [];
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  randomString(): string {
    return this.pick([
      '',
      'x',
      'has space',
      'e1',
      'sampler',
      'nodes',
      '\ud800',
      '🎬 über',
      'a'.repeat(this.int(300)),
      '__proto__',
      'constructor',
      'toString',
      '1',
      '\u0000',
      '"quoted"',
      'x'.repeat(70),
    ]);
  }

  randomNumber(): number {
    return this.pick([
      0,
      -0,
      1,
      -1,
      2,
      1.5,
      7,
      1e308,
      -1e308,
      2 ** 53 + 1,
      -(2 ** 31) - 1,
      1e-320,
      4294967296,
      Number.MAX_SAFE_INTEGER,
    ]);
  }

  randomValue(depth = 0): Json {
    const k = this.int(depth > 2 ? 4 : 6);
    switch (k) {
      case 0:
        return this.randomString();
      case 1:
        return this.randomNumber();
      case 2:
        return this.chance(0.5);
      case 3:
        return null;
      case 4:
        return Array.from({ length: this.int(4) }, () => this.randomValue(depth + 1));
      default: {
        const o: Obj = {};
        for (let i = this.int(4); i > 0; i--) setOwn(o, this.randomString(), this.randomValue(depth + 1));
        return o;
      }
    }
  }

  nested(depth: number): Json {
    let v: Json = this.randomValue(3);
    for (let i = 0; i < depth; i++) v = this.chance(0.5) ? [v] : { d: v };
    return v;
  }
}

function setOwn(o: Obj, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Slot {
  parent: Obj | Json[];
  key: string | number;
}

/** Every (container, key) pair in the value, the root's children included. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (v: Json, depth: number): void => {
    if (depth > 12 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        walk(item, depth + 1);
      });
    } else {
      for (const k of Object.keys(v)) {
        out.push({ parent: v as Obj, key: k });
        walk((v as Obj)[k], depth + 1);
      }
    }
  };
  walk(root, 0);
  return out;
}

function containers(root: Json): (Obj | Json[])[] {
  const out: (Obj | Json[])[] = [];
  const walk = (v: Json, depth: number): void => {
    if (depth > 12 || typeof v !== 'object' || v === null) return;
    out.push(v as Obj | Json[]);
    for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child, depth + 1);
  };
  walk(root, 0);
  return out;
}

const DRAFT_V0 = {
  version: 0,
  title: 'Old draft',
  nodes: [
    { id: 1, type: 'test.prompt', x: 10, y: 20, inputs: { text: 'a fox' } },
    { id: 'sampler', type: 'test.sampler', x: 300, y: 20, inputs: { steps: 30 }, typeVersion: 1 },
    { id: 3, type: 'test.decode', x: 600, y: 0 },
  ],
  links: [
    [1, 'conditioning', 'sampler', 'conditioning'],
    ['sampler', 'latent', 3, 'latent'],
  ],
};

function mutateObject(f: Fuzzer, doc: Obj): void {
  const all = slots(doc);
  const op = f.int(12);
  const slot = all.length > 0 ? f.pick(all) : undefined;
  const set = (s: Slot, v: Json): void => {
    if (Array.isArray(s.parent)) s.parent[s.key as number] = v;
    else setOwn(s.parent, s.key as string, v);
  };
  const nodes =
    doc.nodes && typeof doc.nodes === 'object' && !Array.isArray(doc.nodes) ? (doc.nodes as Obj) : undefined;
  const edges = Array.isArray(doc.edges) ? (doc.edges as Json[]) : undefined;
  const nodeIds = nodes ? Object.keys(nodes) : [];
  switch (op) {
    case 0: // drop a key or element
      if (!slot) return;
      f.ops.push(`drop ${String(slot.key)}`);
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return;
    case 1: // wrong type
      if (!slot) return;
      f.ops.push(`retype ${String(slot.key)}`);
      set(slot, f.randomValue());
      return;
    case 2: // huge, negative, odd numbers
      if (!slot) return;
      f.ops.push(`number ${String(slot.key)}`);
      set(slot, f.randomNumber());
      return;
    case 3: // deep nesting
      if (!slot) return;
      f.ops.push(`nest ${String(slot.key)}`);
      set(slot, f.nested(f.pick([5, 30, 59, 60, 61, 64, 65, 120])));
      return;
    case 4: {
      // prototype-ish and duplicate-ish keys
      const objs = containers(doc).filter((c): c is Obj => !Array.isArray(c));
      const target = f.pick(objs);
      const key = f.pick([
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'type',
        'values',
        'id',
      ]);
      f.ops.push(`key ${key}`);
      setOwn(target, key, f.chance(0.5) ? { polluted: true } : f.randomValue());
      return;
    }
    case 5: {
      // edges to nowhere
      if (!edges) return;
      f.ops.push('dangling edge');
      edges.push({
        id: f.pick(['e9', 'e1', 'x y', 'e' + f.int(100)]),
        from: { node: f.pick([...nodeIds, 'ghost']), output: f.pick(['latent', 'video', 'nope', '']) },
        to: { node: f.pick([...nodeIds, 'ghost']), input: f.pick(['latent', 'steps', 'video', 'nope']) },
      });
      return;
    }
    case 6: {
      // graph cycles
      if (!edges || nodeIds.length === 0) return;
      f.ops.push('cycle');
      const a = f.pick(nodeIds);
      const b = f.pick(nodeIds);
      edges.push({ id: 'c1', from: { node: a, output: 'latent' }, to: { node: b, input: 'latent' } });
      edges.push({ id: 'c2', from: { node: b, output: 'video' }, to: { node: a, input: 'experts' } });
      return;
    }
    case 7: {
      // duplicate a node or an edge
      if (nodes && nodeIds.length > 0 && f.chance(0.5)) {
        f.ops.push('dup node');
        setOwn(nodes, f.pick(['copy', ...nodeIds, 'bad id', '9']), structuredClone(nodes[f.pick(nodeIds)]));
      } else if (edges && edges.length > 0) {
        f.ops.push('dup edge');
        edges.push(structuredClone(f.pick(edges)));
      }
      return;
    }
    case 8:
      f.ops.push('schemaVersion');
      setOwn(doc, 'schemaVersion', f.pick([0, 1, 1, 2, 7, -1, '1', 1.5, null, 1e300]));
      return;
    case 9: {
      // node versions (upgrade path and future versions)
      if (!nodes || nodeIds.length === 0) return;
      const n = nodes[f.pick(nodeIds)];
      if (n && typeof n === 'object' && !Array.isArray(n)) {
        f.ops.push('node version');
        setOwn(n as Obj, 'version', f.pick([1, 2, 3, 0, 99, 1.5]));
      }
      return;
    }
    case 10: {
      // values of the wrong kind for their inputs
      if (!nodes || nodeIds.length === 0) return;
      const n = nodes[f.pick(nodeIds)];
      const values = n && typeof n === 'object' && !Array.isArray(n) ? (n as Obj).values : undefined;
      if (values && typeof values === 'object' && !Array.isArray(values)) {
        f.ops.push('value');
        setOwn(
          values as Obj,
          f.pick(['steps', 'cfg', 'seed', 'sampler', 'tiled', 'fps', 'text', 'unknown']),
          f.randomValue(),
        );
      }
      return;
    }
    default:
      f.ops.push('meta');
      setOwn(
        doc,
        'meta',
        f.chance(0.5)
          ? { params: { p: { node: f.pick([...nodeIds, 'ghost']), input: 'steps' } } }
          : f.randomValue(),
      );
  }
}

function duplicateKeyText(f: Fuzzer, text: string): string {
  const closes = [...text.matchAll(/\}/g)].map((m) => m.index);
  if (closes.length === 0) return text;
  const at = f.pick(closes);
  const key = f.pick(['type', 'version', 'values', 'schemaVersion', 'id', 'x', 'node', 'edges']);
  return `${text.slice(0, at)},${JSON.stringify(key)}:${JSON.stringify(f.randomValue())}${text.slice(at)}`;
}

function mutateText(f: Fuzzer, text: string): string {
  switch (f.int(7)) {
    case 0:
      f.ops.push('truncate');
      return text.slice(0, f.int(text.length));
    case 1: {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = f.pick(numbers);
      const repl = f.pick([
        'NaN',
        'Infinity',
        '-Infinity',
        '1e400',
        '-1e400',
        '1' + '0'.repeat(400),
        'undefined',
        '0x10',
        '01',
      ]);
      f.ops.push(`number text ${repl.slice(0, 8)}`);
      return text.slice(0, m.index) + repl + text.slice(m.index + m[0].length);
    }
    case 2:
      f.ops.push('dup key');
      return duplicateKeyText(f, text);
    case 3: {
      f.ops.push('splice chars');
      const at = f.int(text.length + 1);
      const junk = f.pick([
        '{',
        '}',
        '[',
        ']',
        '"',
        ',',
        ':',
        '\\',
        '\n',
        '\u0000',
        "'",
        '/*',
        'true',
        '\ud800',
      ]);
      return f.chance(0.5)
        ? text.slice(0, at) + junk + text.slice(at)
        : text.slice(0, at) + text.slice(at + 1 + f.int(5));
    }
    case 4: {
      f.ops.push('deep text');
      const depth = f.pick([63, 64, 65, 1000, 50_000]);
      const at = text.indexOf('"fps"');
      const inner = '['.repeat(depth) + (f.chance(0.8) ? ']'.repeat(depth) : '');
      return at < 0 ? inner : text.slice(0, at) + `"deep": ${inner},` + text.slice(at);
    }
    case 5:
      f.ops.push('bom/whitespace');
      return f.pick(['\uFEFF', ' \n\t', '\uFEFF\uFEFF']) + text + f.pick(['', '\n', ' x']);
    default:
      return text;
  }
}

function mutateBytes(f: Fuzzer, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  switch (f.int(4)) {
    case 0: {
      f.ops.push('flip bytes');
      for (let i = 1 + f.int(5); i > 0 && out.length > 0; i--) out[f.int(out.length)] = f.int(256);
      return out;
    }
    case 1: {
      f.ops.push('random bytes');
      return Uint8Array.from({ length: f.int(2000) }, () => f.int(256));
    }
    case 2: {
      f.ops.push('binary prefix');
      const magic = f.pick([
        [0x89, 0x50, 0x4e, 0x47],
        [0xff, 0xd8, 0xff],
        [0x1f, 0x8b],
        [0, 0, 0],
        [0xef, 0xbb, 0xbf],
      ]);
      return Uint8Array.from([...magic, ...out]);
    }
    default: {
      f.ops.push('cut utf-8');
      const enc = new TextEncoder().encode('"é🎬"');
      const at = f.int(out.length + 1);
      return Uint8Array.from([
        ...out.subarray(0, at),
        ...enc.subarray(0, 1 + f.int(enc.length - 1)),
        ...out.subarray(at),
      ]);
    }
  }
}

export function makeMutant(f: Fuzzer): string | Uint8Array {
  const base: Obj = f.chance(0.1) ? structuredClone(DRAFT_V0) : structuredClone(baseDocument());
  if (base.version === 0) f.ops.push('v0');
  const n = f.int(4); // 0 mutations sometimes: the base itself must load
  for (let i = 0; i < n; i++) mutateObject(f, base);
  let text = f.chance(0.5) ? JSON.stringify(base) : JSON.stringify(base, null, f.pick([1, 2, '\t']));
  if (f.chance(0.35)) text = mutateText(f, text);
  if (f.chance(0.15)) return mutateBytes(f, new TextEncoder().encode(text));
  return text;
}
