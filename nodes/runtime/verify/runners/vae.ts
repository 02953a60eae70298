/**
 * Verify runner for the Wan VAE golden cases (manifest kind 'vae', `vae21` / `vae22`): loads
 * `<case>/weights.safetensors` with `<case>/config.json`, encodes `enc_video` and decodes
 * `dec_latent` through the chunked causal-cache path, and returns `enc_latent`,
 * `dbg_enc_mu_raw`, `dbg_enc_logvar_raw`, `dec_video`, `dec_video_unclamped`, `roundtrip_video`
 * and the official `latents_mean` / `latents_std` tables it used (whichever the case lists).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWanVae } from '../../wan/vae';
import { clampInPlace, normalizeLatent } from '../../wan/vae/latent-norm';
import type { ActualTensor, CaseContext, CaseRunner } from '../types';

/** Where verify runs keep generated .onnx files (override with WAN_STUDIO_VERIFY_CACHE). */
function verifyCacheDir(): string {
  return process.env.WAN_STUDIO_VERIFY_CACHE ?? join(tmpdir(), 'wan-studio-verify-cache');
}

export const run: CaseRunner = async (ctx: CaseContext) => {
  const io = ctx.io;
  const wants = (k: string): boolean => io.has(k) || k in ctx.manifest.outputs;
  const read = async (k: string) => ({ dims: io.info(k).shape, data: await io.readF32(k) });
  const vae = await loadWanVae(join(ctx.dir, 'weights.safetensors'), {
    config: ctx.config,
    cacheDir: verifyCacheDir(),
  });
  const out = new Map<string, ActualTensor>();
  try {
    out.set('latents_mean', Float32Array.from(vae.config.latentsMean));
    out.set('latents_std', Float32Array.from(vae.config.latentsStd));
    if (io.has('enc_video')) {
      const raw = await vae.encodeRaw(await read('enc_video'));
      out.set('dbg_enc_mu_raw', raw.mu.data);
      out.set('dbg_enc_logvar_raw', raw.logVar.data);
      // encode() is exactly this normalisation of encodeRaw()'s mu; skip a second encoder pass.
      const latent = {
        dims: raw.mu.dims,
        data: normalizeLatent(raw.mu.data, vae.config.latentsMean, vae.config.latentsStd),
      };
      out.set('enc_latent', latent.data);
      if (wants('roundtrip_video')) out.set('roundtrip_video', (await vae.decode(latent)).data);
    }
    if (io.has('dec_latent')) {
      const video = await vae.decodeUnclamped(await read('dec_latent'));
      out.set('dec_video_unclamped', video.data.slice());
      out.set('dec_video', clampInPlace(video.data));
    }
  } finally {
    await vae.dispose();
  }
  return out;
};
