"""PyTorch reference for `npm run bench:engine`: the same work as bench/engine.ts, printed as one JSON line.

ResNet-18 in torchvision's layout with one logit (64x64x3 input), BCE with logits, AdamW: a batch-32 training
step and batch-128 inference (eval, no_grad); micro-ops: conv2d 3x3 64->64 on [32,64,32,32], matmul 512x512,
and a small add ([64] + [64]) measuring per-call overhead. Warm-up, then the median of several repeats.
Run with Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision).
"""
import argparse, json, statistics, time
import torch
import torchvision


def timed(fn, repeats, inner):
    """Median seconds per call of fn over `repeats` timings of `inner` calls each."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - t0) / inner)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--train-steps", type=int, default=4)
    ap.add_argument("--infer-steps", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--only", default="train,infer,micro")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    only = set(a.only.split(","))
    res = {"threads": torch.get_num_threads(), "torch": torch.__version__}

    model = torchvision.models.resnet18(num_classes=1)
    if "train" in only:
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        x = torch.randn(32, 3, 64, 64)
        y = (torch.rand(32, 1) > 0.5).float()
        model.train()

        def train_step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()

        for _ in range(a.warmup):
            train_step()
        res["train_s"] = timed(train_step, a.repeats, a.train_steps)
        res["train_ips"] = 32 / res["train_s"]

    if "infer" in only:
        model.eval()
        xi = torch.randn(128, 3, 64, 64)

        def infer():
            with torch.no_grad():
                model(xi)

        for _ in range(a.warmup):
            infer()
        res["infer_s"] = timed(infer, a.repeats, a.infer_steps)
        res["infer_ips"] = 128 / res["infer_s"]

    if "micro" in only:
        xc = torch.randn(32, 64, 32, 32)
        wc = torch.randn(64, 64, 3, 3)
        ma = torch.randn(512, 512)
        mb = torch.randn(512, 512)
        sa = torch.randn(64)
        sb = torch.randn(64)
        with torch.no_grad():
            conv = lambda: torch.nn.functional.conv2d(xc, wc, None, 1, 1)
            mm = lambda: torch.matmul(ma, mb)
            add = lambda: torch.add(sa, sb)
            for f in (conv, mm, add):
                for _ in range(a.warmup):
                    f()
            res["conv_s"] = timed(conv, a.repeats, 3)
            res["matmul_s"] = timed(mm, a.repeats, 20)
            res["add_s"] = timed(add, a.repeats, 20000)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
