// Readable reasons for failed node:fs calls, for the end of an error sentence ("Cannot read the
// tokenizer file x: <reason>."). Two wordings exist, each pinned by its callers' messages.

/** Reason for a failed whole-file read (images, tokenizer JSON): missing, a folder, or node's text. */
export function readErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EISDIR') return 'it is a folder';
  return (e as Error).message;
}

/** Reason for a failed open/read of a weights file (safetensors, .pth); also names permission errors. */
export function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'the file does not exist';
  if (err?.code === 'EISDIR') return 'it is a folder, not a file';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  return err?.message ?? String(e);
}
