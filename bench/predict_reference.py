"""PyTorch reference for `npm run bench:predict`: inference of the same networks as lensfind's, timed on request.

bench/predict.ts starts this script once and sends one command per line, alternating with its own timings so that
every engine sees the same machine load: `<model> <batch> <calls>` runs eval-mode, no-grad inference of `model`
(lensnet: 4 blocks of 3x3 conv (no bias) + BN + ReLU + 2x2 maxpool with 16, 32, 64, 128 channels, global average
pool, one logit; resnet18: torchvision's, one logit) on a random [batch, 3, 64, 64] batch `calls` times and answers
one JSON line {"s": wall seconds per call, "cpu": process CPU seconds per call}. `info` answers the version.
Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision).
"""
import argparse, json, sys, time
import torch
import torch.nn as nn
import torchvision


def lensnet(channels=(16, 32, 64, 128), bands=3):
    blocks, c = [], bands
    for out in channels:
        blocks.append(nn.Sequential(nn.Conv2d(c, out, 3, padding=1, bias=False), nn.BatchNorm2d(out),
                                    nn.ReLU(), nn.MaxPool2d(2)))
        c = out
    return nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    models = {"lensnet": lensnet().eval(), "resnet18": torchvision.models.resnet18(num_classes=1).eval()}
    inputs = {}
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "info":
            print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
            continue
        name, batch, calls = parts[0], int(parts[1]), int(parts[2])
        x = inputs.setdefault(batch, torch.randn(batch, 3, 64, 64))
        m = models[name]
        with torch.no_grad():
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(calls):
                m(x)
            s, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({"s": s / calls, "cpu": cpu / calls}), flush=True)


if __name__ == "__main__":
    main()
