/**
 * Run history, persisted across restarts as JSON lines (one finished run per line, with the
 * exact workflow that made it). Appending never rewrites old lines; a torn last line (crash
 * mid-append) or a line that no longer validates is skipped when read.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { WorkflowDocument } from '../../workflows/schema';
import type { HistoryEntry } from '../api/contract';
import { writeFileAtomic } from './json-store';

const HistoryLine = z.object({
  runId: z.string(),
  label: z.string(),
  startedAt: z.number(),
  ok: z.boolean(),
  outputs: z.array(
    z.object({
      node: z.string(),
      path: z.string(),
      kind: z.enum(['video', 'image', 'images']),
      mime: z.string(),
    }),
  ),
  nodes: z.record(z.string(), z.object({ status: z.enum(['ran', 'cached']), ms: z.number() })),
  error: z
    .object({
      message: z.string(),
      node: z.string().optional(),
      code: z.enum(['invalid', 'node_failed', 'cancelled']),
    })
    .optional(),
  doc: WorkflowDocument,
});

export class RunHistory {
  private entries: HistoryEntry[] = [];
  private loaded = false;

  constructor(
    private readonly file: string,
    private readonly keep = 500,
  ) {}

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed = HistoryLine.safeParse(JSON.parse(line));
        if (parsed.success) this.entries.push(parsed.data);
      } catch {
        // torn line from a crash mid-append: skip it
      }
    }
    this.entries = this.entries.slice(-this.keep);
  }

  /** Newest first. */
  list(limit = 100): HistoryEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  async add(entry: HistoryEntry): Promise<void> {
    await this.load();
    this.entries.push(entry);
    const line = JSON.stringify({ ...entry, problems: undefined }) + '\n';
    await mkdir(dirname(this.file), { recursive: true });
    if (this.entries.length > this.keep * 2) {
      this.entries = this.entries.slice(-this.keep);
      await writeFileAtomic(this.file, this.entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    } else {
      await appendFile(this.file, line);
    }
  }
}
