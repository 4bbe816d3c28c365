"""PyTorch peer for `deno task bench` (CPU) and `deno task bench --gpu` (CUDA):
one training step (forward, backward, Adam) of the same quadratic-adapted
ResNet-18-style network as bench/resnet_style.ts + adapt(rank 8 on every
Conv2D but the stem).

Usage: python3 bench/torch_step.py WIDTH SIZE BATCH REPS [cpu|cuda]
Prints one JSON line: {"ms": median step milliseconds, "threads": n, "torch": version, "device": ...}.
On cuda the step is timed between torch.cuda.synchronize() calls, fp32 with TF32 off.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class QuadConv(nn.Module):
    """conv(x) + (alpha/r) * P(U(x) * V(x)); U, V share the conv's geometry."""

    def __init__(self, cin, cout, k, stride, rank=8):
        super().__init__()
        pad = k // 2
        self.conv = nn.Conv2d(cin, cout, k, stride, pad, bias=False)
        self.u = nn.Conv2d(cin, rank, k, stride, pad, bias=False)
        self.v = nn.Conv2d(cin, rank, k, stride, pad, bias=False)
        self.p = nn.Conv2d(rank, cout, 1, bias=False)
        self.scale = 1.0  # alpha = rank
        for m in (self.conv,):
            m.weight.requires_grad_(False)

    def forward(self, x):
        return self.conv(x) + self.scale * self.p(self.u(x) * self.v(x))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.b1 = QuadConv(cin, cout, 3, stride), nn.BatchNorm2d(cout)
        self.c2, self.b2 = QuadConv(cout, cout, 3, 1), nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(QuadConv(cin, cout, 1, stride), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))


def resnet18_style(width, classes=10):
    layers = [nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
    cin = width
    for s in range(4):
        cout = width * 2**s
        for b in range(2):
            layers.append(Block(cin, cout, 2 if s > 0 and b == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def main():
    width, size, batch, reps = (int(a) for a in sys.argv[1:5])
    device = sys.argv[5] if len(sys.argv) > 5 else "cpu"
    torch.manual_seed(0)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    model = resnet18_style(width).train().to(device)
    x = torch.randn(batch, 3, size, size, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(3 if device == "cuda" else 1):
        step()
    sync()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        step()
        sync()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({"ms": times[len(times) // 2], "threads": torch.get_num_threads(),
                      "torch": torch.__version__, "device": device}))


if __name__ == "__main__":
    main()
