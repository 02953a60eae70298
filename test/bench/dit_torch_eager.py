#!/usr/bin/python3
"""Plain PyTorch eager (fp32, CPU) Wan 2.2 DiT step: the baseline that test/bench/dit.bench.ts compares against.

Written from the model description in shared/golden/README.md (no code copied). The model is a set of functions
over a state dict keyed by the official WanModel parameter names, so the same code runs random weights (benchmark)
and the golden weights (--check-golden, a correctness check of this baseline).

One step = the two CFG passes (cond + uncond) on the same latent and timestep:
  * batched (default): one forward with batch 2 — what the ONNX bench's default `forwardBatch` does;
  * --sequential: two batch-1 forwards — what the ONNX bench's `--sequential` does.
Work per step is the same as the ONNX step's:
  * the scalar timestep's embedding is computed once per sample and broadcast over the tokens;
  * the text embedding and every block's cross-attention K/V are computed once per context and reused by
    later steps, as the ONNX text graph + its context cache do (--no-cache-text recomputes them inside every
    forward, as the official code does).
Attention is F.scaled_dot_product_attention when this torch has it (>= 2.0), else softmax(q k^T / sqrt(d)) v.

  /usr/bin/python3 test/bench/dit_torch_eager.py [--threads 1,2] [--runs 5] [--sequential] [--no-cache-text]
      → one JSON line per thread count: {"threads": n, "ms_per_step": median, "runs": [...], ...}
  /usr/bin/python3 test/bench/dit_torch_eager.py --serve --threads n [--sequential] [--no-cache-text]
      → prints {"ready": true, ...} after warm-up; each "step" line on stdin → {"ms": ..., "cpu_ms": ...}
  /usr/bin/python3 test/bench/dit_torch_eager.py --check-golden /work/shared/golden/dit_t2v
"""
import argparse
import json
import math
import struct
import sys
import time

import torch
import torch.nn.functional as F

BENCH_CONFIG = {
    "patch_size": [1, 2, 2], "text_len": 512, "in_dim": 16, "dim": 512, "ffn_dim": 2048, "freq_dim": 256,
    "text_dim": 4096, "out_dim": 16, "num_heads": 8, "num_layers": 4, "eps": 1e-6,
}
BENCH_LATENT = [16, 3, 40, 52]
BENCH_CONTEXT_ROWS = (97, 120)  # cond / uncond real rows, as in dit.bench.ts


# ---------------------------------------------------------------- parameters

def param_shapes(c):
    """(name, shape) of every parameter, official WanModel names (t2v, qk_norm, cross_attn_norm)."""
    d, p = c["dim"], c["patch_size"]
    shapes = [
        ("patch_embedding.weight", [d, c["in_dim"], *p]), ("patch_embedding.bias", [d]),
        ("text_embedding.0.weight", [d, c["text_dim"]]), ("text_embedding.0.bias", [d]),
        ("text_embedding.2.weight", [d, d]), ("text_embedding.2.bias", [d]),
        ("time_embedding.0.weight", [d, c["freq_dim"]]), ("time_embedding.0.bias", [d]),
        ("time_embedding.2.weight", [d, d]), ("time_embedding.2.bias", [d]),
        ("time_projection.1.weight", [6 * d, d]), ("time_projection.1.bias", [6 * d]),
    ]
    for i in range(c["num_layers"]):
        b = f"blocks.{i}."
        shapes.append((b + "modulation", [1, 6, d]))
        for attn in ("self_attn", "cross_attn"):
            for proj in "qkvo":
                shapes += [(f"{b}{attn}.{proj}.weight", [d, d]), (f"{b}{attn}.{proj}.bias", [d])]
            shapes += [(f"{b}{attn}.norm_q.weight", [d]), (f"{b}{attn}.norm_k.weight", [d])]
        shapes += [(b + "norm3.weight", [d]), (b + "norm3.bias", [d])]
        shapes += [(b + "ffn.0.weight", [c["ffn_dim"], d]), (b + "ffn.0.bias", [c["ffn_dim"]])]
        shapes += [(b + "ffn.2.weight", [d, c["ffn_dim"]]), (b + "ffn.2.bias", [d])]
    out = c["out_dim"] * math.prod(p)
    shapes += [("head.modulation", [1, 2, d]), ("head.head.weight", [out, d]), ("head.head.bias", [out])]
    return shapes


def random_params(c, seed=0):
    """Random weights with the golden README's distributions (values do not affect timing)."""
    g = torch.Generator().manual_seed(seed)
    w = {}
    for name, shape in param_shapes(c):
        x = torch.randn(shape, generator=g)
        if name.endswith("modulation"):
            x = x / math.sqrt(c["dim"])
        elif "norm" in name and name.endswith(".weight"):
            x = 1 + 0.1 * x
        elif name.endswith("bias"):
            x = 0.05 * x
        else:
            x = x / math.sqrt(math.prod(shape[1:]))
        w[name] = x.contiguous()
    return w


# ---------------------------------------------------------------- math

def sinusoid(freq_dim, t):
    """[cos | sin] of t * 10000^(-i/half), in float64 then fp32. t: [B] → [B, freq_dim]."""
    half = freq_dim // 2
    freqs = torch.pow(10000.0, -torch.arange(half, dtype=torch.float64) / half)
    ang = t.to(torch.float64)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(ang), torch.sin(ang)], dim=1).to(torch.float32)


def rope_tables(head_dim, grid):
    """cos/sin [tokens, head_dim/2] for interleaved complex pairs split over (f, h, w)."""
    c = head_dim // 2
    split = [c - 2 * (c // 3), c // 3, c // 3]
    f, h, w = grid
    pos = [
        torch.arange(f, dtype=torch.float64)[:, None, None].expand(f, h, w),
        torch.arange(h, dtype=torch.float64)[None, :, None].expand(f, h, w),
        torch.arange(w, dtype=torch.float64)[None, None, :].expand(f, h, w),
    ]
    angles = []
    for n, p in zip(split, pos):
        freqs = torch.pow(10000.0, -torch.arange(n, dtype=torch.float64) / n)
        angles.append(p.reshape(-1, 1) * freqs[None, :])
    ang = torch.cat(angles, dim=1)
    return torch.cos(ang).to(torch.float32), torch.sin(ang).to(torch.float32)


def apply_rope(x, cos, sin):
    """x [B, heads, L, head_dim]; channels (2i, 2i+1) are the real/imaginary parts of pair i."""
    pairs = x.unflatten(-1, (-1, 2))
    re, im = pairs[..., 0], pairs[..., 1]
    return torch.stack([re * cos - im * sin, re * sin + im * cos], dim=-1).flatten(-2)


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight


def linear(x, w, name):
    return F.linear(x, w[name + ".weight"], w[name + ".bias"])


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


def blas_library():
    """Path of the BLAS this torch runs its fp32 matmuls with (Debian's torch links the libblas.so.3 alternative)."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return "unknown"
    hits = sorted(p for p in paths if any(k in p.rsplit("/", 1)[-1] for k in ("blas", "mkl_", "libmkl")))
    return ", ".join(hits) or "built in"


def blas_warning(path):
    """A sentence when the BLAS is the unoptimised reference one (netlib), which makes this baseline a strawman."""
    if "libblas" in path and "openblas" not in path and "mkl" not in path:
        return ("PyTorch runs its matmuls on the reference (netlib) BLAS, about 15x slower than an optimised one; "
                "for a fair baseline install OpenBLAS: apt-get install -y libopenblas0-openmp")
    return None


def attention(q, k, v):
    """q [B, heads, Lq, d], k/v [B, heads, Lk, d], no mask."""
    if HAS_SDPA:
        return F.scaled_dot_product_attention(q, k, v)
    scores = torch.matmul(q * (1.0 / math.sqrt(q.shape[-1])), k.transpose(-1, -2))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def heads(x, n):
    """[B, L, dim] → [B, heads, L, head_dim]."""
    return x.unflatten(-1, (n, -1)).transpose(1, 2)


def merge_heads(x):
    return x.transpose(1, 2).flatten(2)


# ---------------------------------------------------------------- model

def text_kv(w, c, contexts):
    """Per block (K, V) of the cross-attention for contexts [B, L ≤ text_len, text_dim] (zero-padded first)."""
    pad = c["text_len"] - contexts.shape[1]
    ctx = F.pad(contexts, (0, 0, 0, pad))
    ctx = linear(gelu_tanh(linear(ctx, w, "text_embedding.0")), w, "text_embedding.2")
    kv = []
    for i in range(c["num_layers"]):
        a = f"blocks.{i}.cross_attn."
        k = rms_norm(linear(ctx, w, a + "k"), w[a + "norm_k.weight"], c["eps"])
        kv.append((heads(k, c["num_heads"]), heads(linear(ctx, w, a + "v"), c["num_heads"])))
    return kv


def forward(w, c, x, t, kv, rope):
    """x [B, C, F, H, W], t [B] raw timesteps, kv from text_kv → velocity [B, out_dim, F, H, W]."""
    eps, n, d = c["eps"], c["num_heads"], c["dim"]
    p = c["patch_size"]
    h = F.conv3d(x, w["patch_embedding.weight"], w["patch_embedding.bias"], stride=p)
    grid = h.shape[2:]
    h = h.flatten(2).transpose(1, 2)  # [B, L, dim], tokens in (f, h, w) order
    e = linear(F.silu(linear(sinusoid(c["freq_dim"], t), w, "time_embedding.0")), w, "time_embedding.2")
    e0 = linear(F.silu(e), w, "time_projection.1").unflatten(1, (6, d))  # [B, 6, dim]
    cos, sin = rope
    for i in range(c["num_layers"]):
        b = f"blocks.{i}."
        mod = (w[b + "modulation"] + e0).unsqueeze(2)  # [B, 6, 1, dim]
        shift, scale, gate, c_shift, c_scale, c_gate = mod.unbind(1)
        # self-attention
        y = F.layer_norm(h, (d,), eps=eps) * (1 + scale) + shift
        a = b + "self_attn."
        q = heads(rms_norm(linear(y, w, a + "q"), w[a + "norm_q.weight"], eps), n)
        k = heads(rms_norm(linear(y, w, a + "k"), w[a + "norm_k.weight"], eps), n)
        v = heads(linear(y, w, a + "v"), n)
        y = attention(apply_rope(q, cos, sin), apply_rope(k, cos, sin), v)
        h = h + linear(merge_heads(y), w, a + "o") * gate
        # cross-attention over every text slot, no mask
        a = b + "cross_attn."
        y = F.layer_norm(h, (d,), w[b + "norm3.weight"], w[b + "norm3.bias"], eps)
        q = heads(rms_norm(linear(y, w, a + "q"), w[a + "norm_q.weight"], eps), n)
        h = h + linear(merge_heads(attention(q, *kv[i])), w, a + "o")
        # feed-forward
        y = F.layer_norm(h, (d,), eps=eps) * (1 + c_scale) + c_shift
        h = h + linear(gelu_tanh(linear(y, w, b + "ffn.0")), w, b + "ffn.2") * c_gate
    shift, scale = (w["head.modulation"] + e.unsqueeze(1)).unsqueeze(2).unbind(1)
    h = linear(F.layer_norm(h, (d,), eps=eps) * (1 + scale) + shift, w, "head.head")  # [B, L, p0*p1*p2*out]
    f, gh, gw = grid
    h = h.reshape(h.shape[0], f, gh, gw, p[0], p[1], p[2], c["out_dim"])
    h = h.permute(0, 7, 1, 4, 2, 5, 3, 6)
    return h.reshape(h.shape[0], c["out_dim"], f * p[0], gh * p[1], gw * p[2])


class Stepper:
    """One denoising step (cond + uncond) of the bench configuration."""

    def __init__(self, c, latent, sequential, cache_text):
        self.c, self.sequential, self.cache_text = c, sequential, cache_text
        self.w = random_params(c)
        g = torch.Generator().manual_seed(11)
        self.x = torch.randn([1, *latent], generator=g)
        self.t = torch.tensor([999])
        self.contexts = [0.2 * torch.randn([1, rows, c["text_dim"]], generator=g) for rows in BENCH_CONTEXT_ROWS]
        grid = [s // p for s, p in zip(latent[1:], c["patch_size"])]
        self.rope = rope_tables(c["dim"] // c["num_heads"], grid)
        self.kv_cache = {}

    def _kv(self, key, contexts):
        """Cross-attention K/V; cached per context like the ONNX text graph (first step computes it)."""
        if not self.cache_text:
            return text_kv(self.w, self.c, contexts)
        if key not in self.kv_cache:
            self.kv_cache[key] = text_kv(self.w, self.c, contexts)
        return self.kv_cache[key]

    def step(self):
        with torch.inference_mode():
            if self.sequential:
                for i, ctx in enumerate(self.contexts):
                    forward(self.w, self.c, self.x, self.t, self._kv(i, ctx), self.rope)
            else:
                ctx = torch.cat([F.pad(cx, (0, 0, 0, self.c["text_len"] - cx.shape[1])) for cx in self.contexts])
                x = self.x.expand(2, *self.x.shape[1:])
                forward(self.w, self.c, x, self.t.expand(2), self._kv("batch", ctx), self.rope)

    def timed(self):
        t0, c0 = time.perf_counter(), time.process_time()
        self.step()
        return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


# ---------------------------------------------------------------- golden check

def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base, out = 8 + n, {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b0, b1 = info["data_offsets"]
        buf = bytearray(raw[base + b0:base + b1])
        if info["dtype"] == "F32":
            t = torch.frombuffer(buf, dtype=torch.float32)
        elif info["dtype"] == "I64":
            t = torch.frombuffer(buf, dtype=torch.int64)
        elif info["dtype"] == "BF16":
            t = torch.frombuffer(buf, dtype=torch.bfloat16).float()
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, which this check does not read")
        out[name] = t.reshape(info["shape"])
    return out


def check_golden(case_dir):
    """Run this implementation on a golden t2v case (scalar t) and compare with the official outputs."""
    with open(f"{case_dir}/config.json") as f:
        c = json.load(f)
    w = read_safetensors(f"{case_dir}/weights.safetensors")
    io = read_safetensors(f"{case_dir}/io.safetensors")
    with open(f"{case_dir}/manifest.json") as f:
        tol = json.load(f)["tolerance"]
    x, ctx = io["x"][None], io["context"][None]
    grid = [s // p for s, p in zip(x.shape[2:], c["patch_size"])]
    rope = rope_tables(c["dim"] // c["num_heads"], grid)
    worst = 0.0
    with torch.inference_mode():
        kv = text_kv(w, c, ctx)
        for t_name, out_name in (("t", "out"), ("t2", "out_t2")):
            got = forward(w, c, x, io[t_name].reshape(1), kv, rope)[0]
            want = io[out_name]
            excess = ((got - want).abs() - tol["max_abs"] - tol["max_rel"] * want.abs()).max().item()
            err = (got - want).abs().max().item()
            worst = max(worst, excess)
            print(json.dumps({"case": case_dir, "output": out_name, "max_abs_err": err, "within_tolerance": excess <= 0}))
    return worst <= 0


# ---------------------------------------------------------------- main

def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--sequential", action="store_true")
    ap.add_argument("--no-cache-text", action="store_true")
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--check-golden", metavar="CASE_DIR")
    a = ap.parse_args()
    if a.check_golden:
        sys.exit(0 if check_golden(a.check_golden) else 1)
    threads = [int(s) for s in a.threads.split(",")]
    blas = blas_library()
    info = {"torch": torch.__version__, "blas": blas, "blas_warning": blas_warning(blas), "sdpa": HAS_SDPA, "batched": not a.sequential, "cache_text": not a.no_cache_text}
    stepper = Stepper(BENCH_CONFIG, BENCH_LATENT, a.sequential, not a.no_cache_text)
    if a.serve:
        torch.set_num_threads(threads[0])
        for _ in range(a.warmup):
            stepper.step()
        print(json.dumps({"ready": True, "threads": threads[0], **info}), flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "step":
                ms, cpu = stepper.timed()
                print(json.dumps({"ms": round(ms, 1), "cpu_ms": round(cpu, 1)}), flush=True)
            elif cmd in ("quit", ""):
                break
            else:
                print(json.dumps({"error": f"unknown command {cmd!r} (expected 'step' or 'quit')"}), flush=True)
        return
    for n in threads:
        torch.set_num_threads(n)
        for _ in range(a.warmup):
            stepper.step()
        runs = [stepper.timed() for _ in range(max(5, a.runs))]
        ms = [r[0] for r in runs]
        print(json.dumps({"threads": n, "ms_per_step": round(median(ms), 1), "runs": [round(m, 1) for m in ms],
                          "cpu_ms_per_step": round(median([r[1] for r in runs]), 1), **info}), flush=True)


if __name__ == "__main__":
    main()
