/**
 * A stable JSON text: object keys sorted, no whitespace, `undefined` members dropped (as
 * JSON.stringify does; `undefined` in arrays becomes null, a bigint its decimal string).
 * Used for node signatures, so it is written for speed (string concatenation, no token array).
 *
 * Private to the engine: documents are written by workflows/canonical.ts (`saveWorkflow`, which
 * also gives `ExecContext.workflowJson`); this helper only needs to be deterministic and fast.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return '"' + value.toString() + '"';
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return s + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return s + '}';
}
