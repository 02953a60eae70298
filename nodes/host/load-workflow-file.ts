/**
 * Opens a workflow from disk for any host: a workflow .json, or a video made by Video Out
 * (the workflow is embedded in its container metadata under the key `workflow`).
 */
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseWorkflow } from '../../workflows/load';
import type { WorkflowDocument } from '../../workflows/schema';
import type { WorkflowProblem } from '../../workflows/problems';
import { readEmbeddedWorkflow } from '../runtime/video/metadata';
import type { NodeRegistry } from '../engine/registry';

const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.webm', '.mkv']);
/** Larger than any sane workflow; stops us reading a multi-GB file by mistake. */
const MAX_WORKFLOW_BYTES = 64 * 1024 * 1024;

export type LoadedWorkflow =
  | { ok: true; doc: WorkflowDocument; migrated: boolean; fromVideo: boolean }
  | { ok: false; problems: WorkflowProblem[] };

async function looksLikeVideo(path: string): Promise<boolean> {
  if (VIDEO_EXTENSIONS.has(extname(path).toLowerCase())) return true;
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    if (bytesRead < 12) return false;
    const isMp4 = head.toString('latin1', 4, 8) === 'ftyp';
    const isEbml = head.readUInt32BE(0) === 0x1a45dfa3;
    return isMp4 || isEbml;
  } finally {
    await fh.close();
  }
}

function fail(message: string, code: WorkflowProblem['code'] = 'parse'): LoadedWorkflow {
  return { ok: false, problems: [{ code, message }] };
}

export async function loadWorkflowFile(path: string, registry: NodeRegistry): Promise<LoadedWorkflow> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return fail(`${path} is not a file.`);
    size = s.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      code === 'ENOENT' ? `${path} does not exist.` : `${path} cannot be read (${code ?? String(e)}).`,
    );
  }
  const nodeTypes = (type: string) => registry.get(type);
  if (await looksLikeVideo(path)) {
    let embedded: string | null;
    try {
      embedded = await readEmbeddedWorkflow(path);
    } catch (e) {
      return fail(`${path}: could not read the video's metadata (${(e as Error).message}).`);
    }
    if (embedded === null) return fail(`${path} is a video without an embedded workflow.`);
    const r = parseWorkflow(embedded, { source: path, nodeTypes });
    return r.ok ? { ...r, fromVideo: true } : r;
  }
  if (size > MAX_WORKFLOW_BYTES) return fail(`${path} is ${size} bytes, too large for a workflow.`);
  const fh = await open(path, 'r');
  let bytes: Buffer;
  try {
    bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  const r = parseWorkflow(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    source: path,
    nodeTypes,
  });
  return r.ok ? { ...r, fromVideo: false } : r;
}
