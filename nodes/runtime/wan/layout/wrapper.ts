// Wrapped checkpoints: training code often saves a state dict inside another dict
// (`{"state_dict": sd}`, `{"model": sd}`, `{"ema": sd}`, DataParallel's `module.`…), so that every
// tensor name carries one extra leading segment. The wrapper is stripped only when the names
// below it form a known layout; names that are recognised as they are keep no prefix.

/** The first dotted segment every name shares ('' when they do not all share one). */
function commonSegment(names: readonly string[]): string {
  if (names.length === 0) return '';
  const dot = names[0].indexOf('.');
  if (dot <= 0) return '';
  const seg = names[0].slice(0, dot + 1);
  return names.every((n) => n.startsWith(seg) && n.length > seg.length) ? seg : '';
}

/**
 * The wrapper prefix (e.g. `"state_dict."`, or `"state_dict.module."` for a wrapper two levels
 * deep, at most `maxLevels`) under which the names are `recognised`; '' when the names are
 * recognised as they are, or when no common prefix makes them recognisable.
 */
export function findWrapperPrefix(
  names: readonly string[],
  recognised: (names: ReadonlySet<string>) => boolean,
  maxLevels = 2,
): string {
  if (recognised(new Set(names))) return '';
  let prefix = '';
  let rest = names;
  for (let level = 0; level < maxLevels; level++) {
    const seg = commonSegment(rest);
    if (!seg) return '';
    prefix += seg;
    rest = rest.map((n) => n.slice(seg.length));
    if (recognised(new Set(rest))) return prefix;
  }
  return '';
}
