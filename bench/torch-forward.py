"""PyTorch reference for bench/forward.ts and bench/train-step.ts: a BERT sequence classifier
of the same shape (random weights), forward (eval, no_grad) and one AdamW training step, timed
at a fixed thread count. Prints one JSON line. Needs torch (and transformers when present;
otherwise a plain-torch BERT of identical structure is used)."""
import argparse, json, math, time

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


def main():
    p = argparse.ArgumentParser()
    for k, v in dict(layers=4, hidden=128, heads=4, ff=512, vocab=8000, batch=32, seq=128, reps=3, threads=1).items():
        p.add_argument(f"--{k}", type=int, default=v)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Bert(a.vocab, a.hidden, a.layers, a.heads, a.ff)
    ids = torch.randint(5, a.vocab, (a.batch, a.seq))
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 4, (a.batch,))
    model.eval()
    with torch.no_grad():
        model(ids, mask)
        t = time.perf_counter()
        for _ in range(a.reps):
            model(ids, mask)
        fwd = (time.perf_counter() - t) / a.reps
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(ids, mask), labels).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    t = time.perf_counter()
    for _ in range(a.reps):
        step()
    train = (time.perf_counter() - t) / a.reps
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "forward_s": fwd, "train_step_s": train}))


if __name__ == "__main__":
    main()
