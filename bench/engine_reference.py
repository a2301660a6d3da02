"""PyTorch reference for `npm run bench:engine`: the same work as bench/engine.ts, timed on request.

bench/engine.ts starts this script once and sends one command per line, alternating with its own timings so that
both sides see the same machine load: `<task> <calls>` runs the task `calls` times and answers one JSON line
{"task", "s": wall seconds per call, "cpu": process CPU seconds per call}. Tasks: train (ResNet-18 in torchvision's layout, one logit, 64x64x3, BCE with
logits, AdamW, batch 32: forward + backward + step), infer (eval + no_grad, batch 128), conv (conv2d 3x3 64->64
on [32,64,32,32]), matmul (512x512 @ 512x512), add ([64] + [64], per-call overhead). `info` answers the versions;
`phases <steps>` times zero_grad, forward, backward and step of the training step separately.
Run with Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision).
"""
import argparse, json, sys, time
import torch
import torch.nn.functional as F
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    model = torchvision.models.resnet18(num_classes=1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x = torch.randn(32, 3, 64, 64)
    y = (torch.rand(32, 1) > 0.5).float()
    xi = torch.randn(128, 3, 64, 64)
    xc, wc = torch.randn(32, 64, 32, 32), torch.randn(64, 64, 3, 3)
    ma, mb = torch.randn(512, 512), torch.randn(512, 512)
    sa, sb = torch.randn(64), torch.randn(64)

    def train():
        model.train()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def infer():
        model.eval()
        with torch.no_grad():
            model(xi)

    def no_grad(f):
        def g():
            with torch.no_grad():
                f()
        return g

    tasks = {
        "train": train,
        "infer": infer,
        "conv": no_grad(lambda: F.conv2d(xc, wc, None, 1, 1)),
        "matmul": no_grad(lambda: torch.matmul(ma, mb)),
        "add": lambda: torch.add(sa, sb),
        # The optimizer step alone (gradients left by the last train call).
        "optstep": opt.step,
    }
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "info":
            out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        elif parts[0] == "phases":
            # Seconds per training step spent in each phase (for bench/engine-profile.ts).
            n, out = int(parts[1]), {"zero_grad": 0.0, "forward": 0.0, "backward": 0.0, "step": 0.0}
            model.train()
            for _ in range(n):
                t0 = time.perf_counter()
                opt.zero_grad(set_to_none=True)
                t1 = time.perf_counter()
                loss = loss_fn(model(x), y)
                t2 = time.perf_counter()
                loss.backward()
                t3 = time.perf_counter()
                opt.step()
                t4 = time.perf_counter()
                for k, a0, a1 in (("zero_grad", t0, t1), ("forward", t1, t2), ("backward", t2, t3), ("step", t3, t4)):
                    out[k] += (a1 - a0) / n
            out["task"] = "phases"
        elif parts[0] == "add":
            # The loop itself is timed here, as on lensfind's side: per-call overhead is what is measured.
            n = int(parts[1])
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(n):
                torch.add(sa, sb)
            out = {"task": "add", "s": (time.perf_counter() - t0) / n, "cpu": (time.process_time() - c0) / n}
        else:
            f, n = tasks[parts[0]], int(parts[1])
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(n):
                f()
            out = {"task": parts[0], "s": (time.perf_counter() - t0) / n, "cpu": (time.process_time() - c0) / n}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
