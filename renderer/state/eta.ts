/**
 * How long the rest of a run will take, for the progress bar. Pure functions, no React.
 *
 * The estimate is the sum, over the nodes of the run's plan not finished yet, of what each is
 * expected to take:
 *  - A node whose signature (type, version, literal values and the signatures of the nodes feeding
 *    it — the same ingredients as the engine's cache key, file identities aside) matches a node
 *    that ran or was cached in an earlier run is expected to come from the engine's result cache:
 *    0 s. Volatile nodes are never cached: they count that earlier duration instead.
 *  - Otherwise the node will run; it is expected to take what the same node (same id and type)
 *    took the last time it ran — in the history, usually with other values but the same sizes.
 *  - The node in progress: once it has reported a step, its remaining steps at its step rate so
 *    far; before that, its expected duration less the time it has been running.
 *  - A node with no earlier duration is left out, and the result counts it (`unknown`) so the UI
 *    can show the figure as a lower bound.
 */
import type { HistoryEntry } from '../../nodes/api/contract';
import type { Doc } from './doc-ops';
import type { NodeRunState, RunProgress } from './run-store';

/** Two 32-bit FNV-1a hashes with different offsets: 16 hex digits, enough to tell nodes apart. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** JSON with object keys sorted (so equal values give equal text). */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const rec = v as Record<string, unknown>;
    return `{${Object.keys(rec)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(rec[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * A signature per node of `doc`: type, version, literal values of the inputs not fed by a link,
 * and for each link its input name, output name and the signature of the node it comes from.
 * Nodes in a cycle (which no valid document has) get no signature.
 */
export function docSignatures(doc: Doc): Map<string, string> {
  const incoming = new Map<string, Array<{ input: string; from: string; output: string }>>();
  for (const e of doc.edges) {
    const list = incoming.get(e.to.node) ?? [];
    list.push({ input: e.to.input, from: e.from.node, output: e.from.output });
    incoming.set(e.to.node, list);
  }
  const sigs = new Map<string, string>();
  const visiting = new Set<string>();
  const sign = (id: string): string | undefined => {
    const done = sigs.get(id);
    if (done !== undefined) return done;
    const node = doc.nodes[id];
    if (!node || visiting.has(id)) return undefined;
    visiting.add(id);
    const links = (incoming.get(id) ?? []).sort((x, y) =>
      x.input < y.input ? -1 : x.input > y.input ? 1 : 0,
    );
    const linked = new Set(links.map((l) => l.input));
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node.values)) if (!linked.has(k)) values[k] = v;
    const parts = [`${node.type}@${node.version}`, stableJson(values)];
    for (const l of links) {
      const up = sign(l.from);
      if (up === undefined) {
        visiting.delete(id);
        return undefined;
      }
      parts.push(`${l.input}<${up}:${l.output}`);
    }
    visiting.delete(id);
    const sig = hash(parts.join('\n'));
    sigs.set(id, sig);
    return sig;
  };
  for (const id of Object.keys(doc.nodes)) sign(id);
  return sigs;
}

/** What earlier runs tell about durations. */
export interface PastRuns {
  /** Signature → ms of its latest earlier execution (0 when it came from the cache then). */
  bySignature: ReadonlyMap<string, number>;
  /** `${nodeId}\n${type}` → ms of the latest earlier run in which that node executed. */
  byNode: ReadonlyMap<string, number>;
}

const pastCache = new WeakMap<readonly HistoryEntry[], PastRuns>();

/** Indexes the history (newest first, as the host lists it; the first entry seen wins). */
export function pastRuns(history: readonly HistoryEntry[]): PastRuns {
  const hit = pastCache.get(history);
  if (hit) return hit;
  const bySignature = new Map<string, number>();
  const byNode = new Map<string, number>();
  for (const entry of history) {
    const sigs = docSignatures(entry.doc);
    for (const [id, st] of Object.entries(entry.nodes)) {
      const node = entry.doc.nodes[id];
      const sig = sigs.get(id);
      if (!node || sig === undefined) continue;
      const ms = st.status === 'ran' ? st.ms : 0;
      if (!bySignature.has(sig)) bySignature.set(sig, ms);
      const key = `${id}\n${node.type}`;
      if (st.status === 'ran' && !byNode.has(key)) byNode.set(key, st.ms);
    }
  }
  const out = { bySignature, byNode };
  pastCache.set(history, out);
  return out;
}

/**
 * Expected milliseconds of each node of `doc` (see the rules at the top); nodes with no estimate
 * are absent. `isVolatile` says whether a node type is never cached.
 */
export function expectedDurations(
  doc: Doc,
  past: PastRuns,
  isVolatile: (type: string) => boolean = () => false,
): Map<string, number> {
  const out = new Map<string, number>();
  const sigs = docSignatures(doc);
  for (const [id, node] of Object.entries(doc.nodes)) {
    const sig = sigs.get(id);
    const seen = sig === undefined ? undefined : past.bySignature.get(sig);
    const again = past.byNode.get(`${id}\n${node.type}`);
    if (seen !== undefined && !isVolatile(node.type)) out.set(id, 0);
    else if (seen !== undefined && seen > 0) out.set(id, seen);
    else if (again !== undefined) out.set(id, again);
  }
  return out;
}

/** Seconds left for the node in progress at its step rate so far (undefined before a step is measured). */
export function stepRateSeconds(p: RunProgress, now: number = p.at): number | undefined {
  if (p.total <= p.step) return 0;
  const done = p.step - p.sinceStep;
  if (done <= 0) return undefined;
  const left = ((p.at - p.since) / done) * (p.total - p.step) - (now - p.at);
  return Math.max(0, left) / 1000;
}

export interface RunEtaInput {
  order: readonly string[];
  nodes: Readonly<Record<string, NodeRunState>>;
  progress?: RunProgress;
  /** The node executing now and when it started. */
  running?: { node: string; since: number };
  /** Expected ms per node (from `expectedDurations`); may be empty. */
  expected: ReadonlyMap<string, number>;
  now: number;
}

export interface RunEta {
  seconds: number;
  /** Unfinished nodes with no estimate (left out of `seconds`). */
  unknown: number;
}

/** The whole run's remaining time; undefined when nothing is known about any unfinished node. */
export function estimateRun(r: RunEtaInput): RunEta | undefined {
  let ms = 0;
  let unknown = 0;
  let known = 0;
  for (const id of r.order) {
    const st = r.nodes[id];
    const phase = st?.phase ?? 'queued';
    if (phase === 'done' || phase === 'cached' || phase === 'error') continue;
    const expected = r.expected.get(id);
    if (phase === 'running') {
      const p = r.progress?.node === id ? r.progress : undefined;
      const byRate = p ? stepRateSeconds(p, r.now) : undefined;
      if (byRate !== undefined) {
        ms += byRate * 1000;
        known++;
        continue;
      }
      if (expected !== undefined) {
        const since = r.running?.node === id ? r.running.since : r.now;
        ms += Math.max(0, expected - (r.now - since));
        known++;
        continue;
      }
      unknown++;
      continue;
    }
    if (expected !== undefined) {
      ms += expected;
      known++;
    } else unknown++;
  }
  if (known === 0 && unknown > 0) return undefined;
  return { seconds: ms / 1000, unknown };
}
