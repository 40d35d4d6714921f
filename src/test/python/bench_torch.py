"""Times the benchmark layer set on PyTorch (CPU, float32), for comparison with `bin/conv4j bench`.

Run with Debian's PyTorch: /usr/bin/python3 src/test/python/bench_torch.py [threads]
Same layers, batches and timing rule as the bench (warm-up, then the median of calls for ~0.5 s),
on NCHW and on channels_last tensors. Not used by the build or the tests.
"""
import sys
import time

import torch

LAYERS = [
    ("conv1 7x7/2 3-64 224", lambda: torch.nn.Conv2d(3, 64, 7, stride=2, padding=3), (3, 224, 224)),
    ("res2 3x3 64-64 56", lambda: torch.nn.Conv2d(64, 64, 3, padding=1), (64, 56, 56)),
    ("res3 3x3 128-128 28", lambda: torch.nn.Conv2d(128, 128, 3, padding=1), (128, 28, 28)),
    ("res4 3x3 256-256 14", lambda: torch.nn.Conv2d(256, 256, 3, padding=1), (256, 14, 14)),
    ("res5 3x3 512-512 7", lambda: torch.nn.Conv2d(512, 512, 3, padding=1), (512, 7, 7)),
    ("1x1 256-64 56", lambda: torch.nn.Conv2d(256, 64, 1), (256, 56, 56)),
    ("1x1 1024-256 14", lambda: torch.nn.Conv2d(1024, 256, 1), (1024, 14, 14)),
    ("dw 3x3 144 56", lambda: torch.nn.Conv2d(144, 144, 3, padding=1, groups=144), (144, 56, 56)),
    ("deconv 2x2/2 256-128 28", lambda: torch.nn.ConvTranspose2d(256, 128, 2, stride=2), (256, 28, 28)),
    ("conv3d 3x3x3 32-32 16", lambda: torch.nn.Conv3d(32, 32, 3, padding=1), (32, 16, 28, 28)),
    ("maxpool 3x3/2 64 112", lambda: torch.nn.MaxPool2d(3, stride=2, padding=1), (64, 112, 112)),
    ("avgpool 3x3/1 256 28", lambda: torch.nn.AvgPool2d(3, stride=1, padding=1), (256, 28, 28)),
    ("gap 2048 7", lambda: torch.nn.AdaptiveAvgPool2d(1), (2048, 7, 7)),
]


def median_ms(fn):
    start = time.perf_counter()
    while time.perf_counter() - start < 0.2:
        fn()
    times = []
    start = time.perf_counter()
    while (time.perf_counter() - start < 0.5 or len(times) < 5) and len(times) < 10000:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(20240613)
    print("PyTorch %s, %d threads, mkldnn %s" % (torch.__version__, threads, torch.backends.mkldnn.is_available()))
    print("%-24s %5s %12s %16s" % ("layer", "batch", "NCHW ms", "channels_last ms"))
    with torch.inference_mode():
        for name, make, sample in LAYERS:
            layer = make().eval()
            for batch in (1, 16):
                x = torch.rand((batch,) + sample) * 2 - 1
                fmt = torch.channels_last if x.dim() == 4 else torch.channels_last_3d
                cl = x.to(memory_format=fmt)
                layer_cl = make().eval().to(memory_format=fmt) if isinstance(layer, torch.nn.modules.conv._ConvNd) else layer
                print("%-24s %5d %12.4f %16.4f" % (name, batch, median_ms(lambda: layer(x)),
                                                   median_ms(lambda: layer_cl(cl))), flush=True)


if __name__ == "__main__":
    main()
