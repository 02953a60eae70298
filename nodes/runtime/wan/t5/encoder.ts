/**
 * loadUmt5: the Wan umT5 text encoder on ONNX Runtime.
 *
 *   const t5 = await loadUmt5('/models/umt5/weights.safetensors', { cacheDir, ep: 'cpu' });
 *
 * The weights may also be a torch.save file such as the official `models_t5_umt5-xxl-enc-bf16.pth`.
 *   const ctx = await t5.encodeTrimmed(tokens.ids, tokens.mask, [tokens.batch, tokens.length]);
 *
 * `encode` returns the encoder output at every position, `[B, L, dim]`; `encodeTrimmed` returns
 * what Wan's `T5EncoderModel.__call__` returns: each prompt's rows up to its real length
 * (`mask.gt(0).sum()`, `</s>` included), which is the context the DiT receives.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Tensor } from '../../../sdk';
import { openCheckpoint } from '../../pth/open';
import { cachedModel, createSession, ort } from '../../onnx';
import type { ExecutionProvider, Session } from '../../onnx';
import { relativePositionBuckets, umt5EncoderBuckets } from './buckets';
import { parseUmt5Config, resolveUmt5Config, Umt5ConfigError } from './config';
import type { Umt5Config } from './config';
import { buildUmt5Graph } from './graph';
import { resolveUmt5Weights } from './weights';

export interface LoadUmt5Options {
  /**
   * Model dimensions. Default: config.json beside the weights when present, else inferred from the
   * weight shapes (text_len then defaults to 512). Given fields must agree with the weights.
   */
  config?: Partial<Umt5Config> | Record<string, unknown>;
  /** Execution provider (default 'cpu'; falls back to CPU with a log line). */
  ep?: ExecutionProvider;
  /** ORT intra-op threads (default: ORT's choice). */
  threads?: number;
  /** Folder for generated .onnx files (hard links to the weights are made there). */
  cacheDir: string;
  /**
   * Skip ORT's weight pre-packing: saves about one float32 copy of the weights in RAM at some
   * speed cost (worth it for the 5.7B-parameter umT5-XXL on machines with little memory).
   */
  disablePrepacking?: boolean;
  /** Also expose the per-block outputs and block 0's position bias (`encodeDebug`). */
  debug?: boolean;
  log?: (msg: string) => void;
}

/** Token ids or a mask: a flat row-major `[B, L]` BigInt64Array, or one number array per prompt. */
export type TokenRows = BigInt64Array | number[][];

export interface Umt5Encoder {
  readonly config: Umt5Config;
  /** The execution provider in use (after any fallback). */
  readonly ep: ExecutionProvider;
  /** The weights file (absolute). */
  readonly weightsPath: string;
  /** Where the generated graph lives. */
  readonly modelPath: string;
  /** Encoder output at every position, `[B, L, dim]`. `shape` is needed for flat arrays whose L is not text_len. */
  encode(ids: TokenRows, mask: TokenRows, shape?: [number, number]): Promise<Tensor>;
  /** One `[len_i, dim]` tensor per prompt, trimmed to its real length. */
  encodeTrimmed(ids: TokenRows, mask: TokenRows, shape?: [number, number]): Promise<Tensor[]>;
  /** Debug outputs (`hidden`, `block{i}_out`, `pos_bias0`); only when loaded with `debug: true`. */
  encodeDebug(ids: TokenRows, mask: TokenRows, shape?: [number, number]): Promise<Map<string, Tensor>>;
  dispose(): Promise<void>;
}

interface Batch {
  b: number;
  l: number;
  ids: BigInt64Array;
  mask: BigInt64Array;
}

function toBatch(
  ids: TokenRows,
  mask: TokenRows,
  shape: [number, number] | undefined,
  textLen: number,
): Batch {
  const flat = (rows: TokenRows, what: string): { data: BigInt64Array; b?: number; l?: number } => {
    if (rows instanceof BigInt64Array) return { data: rows };
    if (!Array.isArray(rows) || rows.length === 0)
      throw new RangeError(`T5 encoder: ${what} must hold at least one prompt.`);
    const l = rows[0].length;
    const data = new BigInt64Array(rows.length * l);
    rows.forEach((r, i) => {
      if (r.length !== l)
        throw new RangeError(`T5 encoder: ${what} rows have different lengths (${l} and ${r.length}).`);
      r.forEach((v, j) => (data[i * l + j] = BigInt(v)));
    });
    return { data, b: rows.length, l };
  };
  const fi = flat(ids, 'ids');
  const fm = flat(mask, 'mask');
  let b: number;
  let l: number;
  if (shape) [b, l] = shape;
  else if (fi.b !== undefined) [b, l] = [fi.b, fi.l!];
  else if (fm.b !== undefined) [b, l] = [fm.b, fm.l!];
  else [b, l] = [fi.data.length / textLen, textLen];
  if (!Number.isInteger(b) || !Number.isInteger(l) || b <= 0 || l <= 0 || fi.data.length !== b * l) {
    throw new RangeError(
      `T5 encoder: ${fi.data.length} token ids do not form a [batch, length] array${shape ? ` of shape [${shape.join(', ')}]` : ` of rows of ${textLen} (pass the shape)`}.`,
    );
  }
  if (fm.data.length !== b * l)
    throw new RangeError(
      `T5 encoder: the mask has ${fm.data.length} entries, expected ${b * l} ([${b}, ${l}]).`,
    );
  return { b, l, ids: fi.data, mask: fm.data };
}

/** The first `cut` columns of every row. */
function sliceColumns(batch: Batch, cut: number): Batch {
  const ids = new BigInt64Array(batch.b * cut);
  const mask = new BigInt64Array(batch.b * cut);
  for (let b = 0; b < batch.b; b++) {
    ids.set(batch.ids.subarray(b * batch.l, b * batch.l + cut), b * cut);
    mask.set(batch.mask.subarray(b * batch.l, b * batch.l + cut), b * cut);
  }
  return { b: batch.b, l: cut, ids, mask };
}

async function configBeside(weightsPath: string): Promise<unknown> {
  const file = join(dirname(weightsPath), 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Umt5ConfigError(`${file} is not valid JSON (${(e as Error).message}).`, file);
  }
}

function isCamelConfig(c: Record<string, unknown>): boolean {
  return ['vocabSize', 'dimAttn', 'dimFfn', 'numHeads', 'numLayers', 'numBuckets', 'textLen'].some(
    (k) => k in c,
  );
}

export async function loadUmt5(weightsPath: string, opts: LoadUmt5Options): Promise<Umt5Encoder> {
  const file = await openCheckpoint(weightsPath);
  try {
    const { names, facts } = resolveUmt5Weights(file.tensors, file.path);
    let given: Partial<Umt5Config>;
    let where: string;
    if (opts.config && isCamelConfig(opts.config)) {
      given = opts.config;
      where = 'the given T5 config';
    } else if (opts.config) {
      given = parseUmt5Config(opts.config, 'the given T5 config');
      where = 'the given T5 config';
    } else {
      const beside = await configBeside(file.path);
      where = join(dirname(file.path), 'config.json');
      given = beside === undefined ? {} : parseUmt5Config(beside, where);
    }
    const config = resolveUmt5Config(given, facts, `${where} (weights ${file.path})`);
    const debug = Boolean(opts.debug);

    const cached = await cachedModel({
      cacheDir: opts.cacheDir,
      weightFiles: [file.path],
      key: { kind: 'umt5-encoder', graph: 1, config, names, debug },
      build: () => buildUmt5Graph(file, names, config, { debug }),
      log: opts.log,
    });
    const session: Session = await createSession(cached.path, {
      ep: opts.ep ?? 'cpu',
      threads: opts.threads,
      disablePrepacking: opts.disablePrepacking,
      log: opts.log,
    });
    const outputNames = session.session.outputNames;
    const bucketOpts = umt5EncoderBuckets(config.numBuckets, config.relativeMaxDist);
    const bucketCache = new Map<number, BigInt64Array>();
    const bucketsFor = (l: number): BigInt64Array => {
      let t = bucketCache.get(l);
      if (!t) {
        t = BigInt64Array.from(relativePositionBuckets(l, l, bucketOpts), (v) => BigInt(v));
        if (bucketCache.size >= 8) bucketCache.clear(); // trimmed calls see many lengths
        bucketCache.set(l, t);
      }
      return t;
    };

    let disposed = false;
    const run = async (
      ids: TokenRows,
      mask: TokenRows,
      shape: [number, number] | undefined,
      outputs: string[],
    ) => {
      if (disposed) throw new Error(`T5 encoder ${file.path} was disposed.`);
      const batch = toBatch(ids, mask, shape, config.textLen);
      for (let i = 0; i < batch.ids.length; i++) {
        const id = batch.ids[i];
        if (id < 0n || id >= BigInt(config.vocabSize)) {
          throw new RangeError(
            `T5 encoder: token id ${id} (prompt ${Math.floor(i / batch.l)}, position ${i % batch.l}) is outside the vocabulary of ${config.vocabSize} tokens of ${file.path}; is the tokenizer the one of this model?`,
          );
        }
      }
      const feeds = {
        ids: new ort.Tensor('int64', batch.ids, [batch.b, batch.l]),
        mask: new ort.Tensor('int64', batch.mask, [batch.b, batch.l]),
        rel_buckets: new ort.Tensor('int64', bucketsFor(batch.l), [batch.l, batch.l]),
      };
      const res = await session.run(feeds, outputs);
      const out = new Map<string, Tensor>();
      for (const name of outputs) {
        const t = res[name];
        out.set(name, { dims: [...t.dims], data: t.data as Float32Array });
      }
      return { batch, out };
    };

    const encoder: Umt5Encoder = {
      config,
      ep: session.ep,
      weightsPath: file.path,
      modelPath: cached.path,
      async encode(ids, mask, shape) {
        return (await run(ids, mask, shape, ['hidden'])).out.get('hidden')!;
      },
      async encodeTrimmed(ids, mask, shape) {
        const full = toBatch(ids, mask, shape, config.textLen);
        // Columns past the last real token of every prompt are padding: masked as keys, and their
        // own rows are dropped. Leaving them out gives the same kept rows for far less work
        // (a typical prompt is tens of tokens out of text_len = 512).
        const lens: number[] = [];
        let cut = 1;
        for (let b = 0; b < full.b; b++) {
          let len = 0;
          for (let j = 0; j < full.l; j++) {
            if (full.mask[b * full.l + j] > 0n) {
              len++;
              cut = Math.max(cut, j + 1);
            }
          }
          lens.push(len);
          cut = Math.max(cut, len);
        }
        const short = cut === full.l ? full : sliceColumns(full, cut);
        const { out } = await run(short.ids, short.mask, [short.b, short.l], ['hidden']);
        const hidden = out.get('hidden')!;
        const d = config.dim;
        return lens.map((len, b): Tensor => {
          const start = b * short.l * d;
          return { dims: [len, d], data: hidden.data.slice(start, start + len * d) };
        });
      },
      async encodeDebug(ids, mask, shape) {
        if (!debug) throw new Error('T5 encoder: encodeDebug needs loadUmt5(..., { debug: true }).');
        return (await run(ids, mask, shape, [...outputNames])).out;
      },
      async dispose() {
        if (disposed) return;
        disposed = true;
        await session.release();
      },
    };
    return encoder;
  } finally {
    await file.close();
  }
}
