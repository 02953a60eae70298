// Re-packs a .safetensors checkpoint (e.g. a golden case's weights) as a byte-exact torch.save .pth
// archive holding the same tensors in the same order, optionally as BF16 and/or wrapped in outer
// dicts (`{"state_dict": sd, "epoch": 3}`), as training code often saves them.

import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import type { WritableTensor } from '../../../nodes/runtime/safetensors/writer';
import {
  FxDict,
  FxOrderedDict,
  FxStorage,
  FxTensor,
  contiguousStride,
  encodeValues,
  writeTorchSave,
} from './fixture';
import type { FxDtype, Py } from './fixture';

export interface RepackOptions {
  /** store every float tensor as BF16 (rounded to nearest even); default: the stored dtype */
  bf16?: boolean;
  /** outer dict keys, outermost first: ['state_dict'] gives keys "state_dict.<name>" */
  wrap?: string[];
  /** the archive's top folder (default: "archive") */
  archiveName?: string;
  /** rename tensors (default: unchanged) */
  rename?: (name: string) => string;
}

/** The tensors of a safetensors file as stored bytes, converted to BF16 when asked. */
export async function readTensors(
  src: string,
  bf16 = false,
): Promise<Array<{ name: string; dtype: FxDtype; shape: number[]; bytes: Uint8Array }>> {
  const f = await SafetensorsFile.open(src);
  try {
    const out = [];
    for (const [name, info] of f.tensors) {
      const float = info.dtype === 'F32' || info.dtype === 'F64' || info.dtype === 'F16';
      const bytes =
        bf16 && float ? encodeValues('BF16', await f.readF32(name)) : new Uint8Array(await f.readRaw(name));
      out.push({ name, dtype: bf16 && float ? 'BF16' : info.dtype, shape: [...info.shape], bytes });
    }
    return out;
  } finally {
    await f.close();
  }
}

/** Writes the tensors of `src` into a torch.save archive at `dst`. */
export async function repackAsPth(src: string, dst: string, opts: RepackOptions = {}): Promise<void> {
  const tensors = await readTensors(src, opts.bf16);
  const rename = opts.rename ?? ((n: string) => n);
  let obj: Py = new FxOrderedDict(
    tensors.map((t) => [
      rename(t.name),
      new FxTensor(new FxStorage(t.dtype, t.bytes), 0, t.shape, contiguousStride(t.shape)),
    ]),
  );
  for (const key of [...(opts.wrap ?? [])].reverse())
    obj = new FxDict([
      [key, obj],
      ['epoch', 3],
    ]);
  await writeTorchSave(dst, obj, { archiveName: opts.archiveName ?? 'archive' });
}

/** Writes the tensors of `src` as a safetensors file at `dst` (BF16 when asked, same bits as repackAsPth). */
export async function repackAsSafetensors(src: string, dst: string, bf16 = false): Promise<void> {
  const out: Record<string, WritableTensor> = {};
  for (const t of await readTensors(src, bf16))
    out[t.name] = { dtype: t.dtype, shape: t.shape, data: t.bytes };
  await writeSafetensors(dst, out);
}
