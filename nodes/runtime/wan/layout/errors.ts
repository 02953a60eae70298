// Shared helpers for layout errors: every error is a SafetensorsError naming the file (and tensor).

import { SafetensorsError } from '../../safetensors/reader';

export function layoutError(file: string, message: string, tensor?: string): SafetensorsError {
  return new SafetensorsError(file, `${file}: ${message}`, tensor);
}

/** "a", "b", "c" and 7 more */
export function listSome(names: readonly string[], max = 5): string {
  const shown = names
    .slice(0, max)
    .map((n) => `"${n}"`)
    .join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export function fmtShape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}
