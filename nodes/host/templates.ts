/**
 * The template workflows shipped in workflows/templates/: each `<id>.json` with its title and
 * description from `meta`, and a thumbnail from `meta.thumbnail` or a sibling `<id>.png`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWorkflow } from '../../workflows/load';
import type { TemplateInfo } from '../api/contract';
import type { NodeRegistry } from '../engine/registry';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../workflows/templates/', import.meta.url));

export async function listTemplates(registry: NodeRegistry, dir = TEMPLATES_DIR): Promise<TemplateInfo[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out: TemplateInfo[] = [];
  for (const name of names) {
    const id = name.slice(0, -'.json'.length);
    const parsed = parseWorkflow(await readFile(join(dir, name)), {
      source: name,
      nodeTypes: (t) => registry.get(t),
    });
    if (!parsed.ok) continue; // a broken template is caught by the template test, not shown
    const doc = parsed.doc;
    let thumbnail = doc.meta?.thumbnail;
    if (thumbnail === undefined) {
      try {
        thumbnail = 'data:image/png;base64,' + (await readFile(join(dir, `${id}.png`))).toString('base64');
      } catch {
        thumbnail = undefined;
      }
    }
    out.push({
      id,
      title: doc.meta?.title ?? id,
      description: doc.meta?.description ?? '',
      ...(thumbnail !== undefined ? { thumbnail } : {}),
      doc,
    });
  }
  return out;
}
