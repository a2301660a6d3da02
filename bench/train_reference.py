"""PyTorch reference for `npm run bench:train`: ResNet-18 epochs over a DeepLense-layout folder of .npy cutouts.

Same work as lensfind's side: torchvision's resnet18 with one logit, AdamW, BCE with logits, batch B, random flips and
90-degree rotations, a DataLoader with W workers, T compute threads, float32 or bf16-mixed (autocast), NCHW or channels_last weights. Prints one JSON line with images/s.
Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision).
"""
import argparse, json, os, time
import numpy as np
import torch
import torchvision


class NpyFolder(torch.utils.data.Dataset):
    def __init__(self, root):
        self.items = []
        for sub, label in (("train_lenses", 1.0), ("train_nonlenses", 0.0)):
            d = os.path.join(root, sub)
            if os.path.isdir(d):
                self.items += [(os.path.join(d, f), label) for f in sorted(os.listdir(d)) if f.endswith(".npy")]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        path, label = self.items[i]
        x = torch.from_numpy(np.load(path).astype(np.float32))
        if torch.rand(()) < 0.5:
            x = x.flip(-1)
        x = torch.rot90(x, int(torch.randint(0, 4, ())), (-2, -1))
        return x, torch.tensor(label)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--precision", choices=["32", "bf16-mixed"], default="32")
    ap.add_argument("--memory-format", choices=["contiguous_format", "channels_last"], default="contiguous_format")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    ds = NpyFolder(a.data)
    bands = np.load(ds.items[0][0]).shape[0]
    model = torchvision.models.resnet18(num_classes=1)
    if bands != 3:
        model.conv1 = torch.nn.Conv2d(bands, 64, 7, 2, 3, bias=False)
    if a.memory_format == "channels_last":
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    loader = torch.utils.data.DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, drop_last=True)
    model.train()
    seen, t0, step = 0, None, 0
    for _ in range(a.epochs):
        for x, y in loader:
            opt.zero_grad(set_to_none=True)
            # bf16-mixed as Lightning does it: the forward pass under CPU autocast, the loss in float32
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16-mixed"):
                out = model(x)
            loss = loss_fn(out.float().squeeze(1), y)
            loss.backward()
            opt.step()
            step += 1
            if step == a.warmup:
                t0 = time.perf_counter()
            elif step > a.warmup:
                seen += x.shape[0]
    dt = time.perf_counter() - t0
    print(json.dumps({"images_per_s": seen / dt, "images": seen, "seconds": dt, "threads": a.threads, "precision": a.precision, "memory_format": a.memory_format, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
