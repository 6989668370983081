"""PyTorch reference for bench/forward.ts, bench/train-step.ts and bench/engines.ts: a BERT
sequence classifier of the same shape (random weights), forward (eval, no_grad) and one AdamW
training step, timed at a fixed thread count (best of --reps, wall and process CPU time), with
the BLAS library torch runs on, its kernel and a measured matmul GFLOP/s, so a reader can tell a
crippled reference (e.g. OpenBLAS on its generic kernel) from a fair one. Prints one JSON line.
The caller picks the kernel: OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS in this process's
environment (see bench/torch-util.ts)."""
import argparse, ctypes, json, math, time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Layer(nn.Module):
    def __init__(s, h, heads, ff):
        super().__init__()
        s.heads = heads
        s.q, s.k, s.v, s.o = (nn.Linear(h, h) for _ in range(4))
        s.ln1, s.ln2 = nn.LayerNorm(h, eps=1e-12), nn.LayerNorm(h, eps=1e-12)
        s.i, s.out = nn.Linear(h, ff), nn.Linear(ff, h)

    def forward(s, x, mask):
        B, S, H = x.shape
        d = H // s.heads
        sp = lambda t: t.view(B, S, s.heads, d).transpose(1, 2)
        a = torch.softmax(sp(s.q(x)) @ sp(s.k(x)).transpose(-1, -2) / math.sqrt(d) + mask, -1)
        c = (a @ sp(s.v(x))).transpose(1, 2).reshape(B, S, H)
        x = s.ln1(x + s.o(c))
        return s.ln2(x + s.out(F.gelu(s.i(x))))


class Bert(nn.Module):
    def __init__(s, vocab, h, layers, heads, ff, classes=4):
        super().__init__()
        s.word, s.pos, s.typ = nn.Embedding(vocab, h), nn.Embedding(512, h), nn.Embedding(2, h)
        s.ln = nn.LayerNorm(h, eps=1e-12)
        s.layers = nn.ModuleList(Layer(h, heads, ff) for _ in range(layers))
        s.pool, s.cls = nn.Linear(h, h), nn.Linear(h, classes)

    def forward(s, ids, mask):
        S = ids.shape[1]
        x = s.ln(s.word(ids) + s.pos(torch.arange(S))[None] + s.typ(torch.zeros_like(ids)))
        m = (1.0 - mask[:, None, None, :].float()) * -1e9
        for l in s.layers:
            x = l(x, m)
        return s.cls(torch.tanh(s.pool(x[:, 0])))


def blas_info():
    """The BLAS library loaded with torch and, for OpenBLAS, its configuration and kernel."""
    lib = None
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if ".so" in path and ("blas" in path or "mkl" in path):
                lib = path
                break
    info = {"library": lib}
    if lib and "openblas" in lib:
        ob = ctypes.CDLL(lib)
        ob.openblas_get_corename.restype = ctypes.c_char_p
        ob.openblas_get_config.restype = ctypes.c_char_p
        info["kernel"] = ob.openblas_get_corename().decode()
        info["config"] = ob.openblas_get_config().decode()
        info["threads"] = ob.openblas_get_num_threads()
    elif lib:
        info["kernel"] = "reference BLAS" if "/blas/" in lib else lib.rsplit("/", 1)[-1]
    return info


def matmul_gflops(n=1024, reps=5):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = math.inf
    for _ in range(reps):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 / best / 1e9


def best_of(reps, fn):
    """Best wall and best process-CPU seconds of reps calls (after one warm-up)."""
    fn()
    wall, cpu = math.inf, math.inf
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return wall, cpu


def main():
    p = argparse.ArgumentParser()
    for k, v in dict(layers=4, hidden=128, heads=4, ff=512, vocab=8000, batch=32, seq=128, reps=3, threads=1).items():
        p.add_argument(f"--{k}", type=int, default=v)
    p.add_argument("--no-train", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Bert(a.vocab, a.hidden, a.layers, a.heads, a.ff)
    ids = torch.randint(5, a.vocab, (a.batch, a.seq))
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 4, (a.batch,))
    model.eval()
    with torch.no_grad():
        fwd, fwd_cpu = best_of(a.reps, lambda: model(ids, mask))
    out = {"torch": torch.__version__, "threads": a.threads, "forward_s": fwd, "forward_cpu_s": fwd_cpu,
           "blas": blas_info(), "matmul_gflops": matmul_gflops()}
    if a.no_train:
        print(json.dumps(out))
        return
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(ids, mask), labels).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    out["train_step_s"], out["train_step_cpu_s"] = best_of(a.reps, step)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
