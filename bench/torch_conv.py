"""PyTorch CUDA peer for `deno task bench --gpu`: one 3x3 convolution's
forward, backward-input and backward-filter times, fp32, TF32 off,
cudnn.benchmark on (the same choice cuDNN's heuristics make for us or better).

Usage: python3 bench/torch_conv.py BATCH SIZE CIN COUT STRIDE REPS
Prints one JSON line: {"forward": ms, "backward_input": ms, "backward_filter": ms, "torch": version}.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def median_ms(f, reps):
    for _ in range(3):
        f()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    batch, size, cin, cout, stride, reps = (int(a) for a in sys.argv[1:7])
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    # channels_last: the same NHWC layout as the tfjs tensors
    x = torch.randn(batch, cin, size, size, device="cuda").to(memory_format=torch.channels_last)
    w = torch.randn(cout, cin, 3, 3, device="cuda").to(memory_format=torch.channels_last)
    y = F.conv2d(x, w, stride=stride, padding=1)
    dy = torch.randn_like(y)
    out = {
        "forward": median_ms(lambda: F.conv2d(x, w, stride=stride, padding=1), reps),
        "backward_input": median_ms(
            lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, stride=stride, padding=1), reps),
        "backward_filter": median_ms(
            lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride=stride, padding=1), reps),
        "torch": torch.__version__,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
