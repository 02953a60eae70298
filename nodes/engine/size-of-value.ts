/**
 * An estimate of the memory a result holds: typed arrays and ArrayBuffers count their
 * byteLength; JSON parts (numbers, strings, objects, arrays) count a small amount each.
 * Objects that are not plain data (model handles, class instances) count a fixed amount:
 * their heavy parts live in the model pool, not in the result cache.
 */
const OBJECT_OVERHEAD = 32;
const OPAQUE = 64;
const MAX_DEPTH = 64;

export function sizeOfValue(value: unknown): number {
  return size(value, 0, new Set());
}

function size(v: unknown, depth: number, seen: Set<object>): number {
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 4;
    case 'string':
      return 16 + 2 * v.length;
    case 'undefined':
    case 'function':
    case 'symbol':
      return 0;
  }
  if (v === null) return 0;
  const obj = v as object;
  if (ArrayBuffer.isView(obj)) return obj.byteLength + OBJECT_OVERHEAD;
  if (obj instanceof ArrayBuffer) return obj.byteLength + OBJECT_OVERHEAD;
  if (seen.has(obj) || depth > MAX_DEPTH) return 0;
  seen.add(obj);
  if (Array.isArray(obj)) {
    let n = OBJECT_OVERHEAD + 8 * obj.length;
    for (const item of obj) n += size(item, depth + 1, seen);
    return n;
  }
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (proto !== Object.prototype && proto !== null) return OPAQUE;
  let n = OBJECT_OVERHEAD;
  for (const [k, item] of Object.entries(obj)) n += 16 + 2 * k.length + size(item, depth + 1, seen);
  return n;
}
