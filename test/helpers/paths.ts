/** Paths tests share. shared/ sits beside the repository checkout (CI clones it that way). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sharedDir(): string {
  const fromEnv = process.env.WAN_STUDIO_SHARED;
  if (fromEnv) return resolve(fromEnv);
  const beside = resolve(REPO_ROOT, '..', 'shared');
  if (existsSync(beside)) return beside;
  return '/work/shared';
}

export const SHARED_DIR = sharedDir();
export const GOLDEN_DIR = join(SHARED_DIR, 'golden');
export const COMFY_WORKFLOWS_DIR = join(SHARED_DIR, 'comfyui-workflows');
export const TEMPLATES_DIR = join(REPO_ROOT, 'workflows', 'templates');
