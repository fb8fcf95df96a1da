"""Randomly initialised students exported to ONNX for speed measurements (bench/generator-speed.mjs).

  /usr/bin/python3 -m models.training.random_students --out .cache/generator-speed --sizes 128,192,256 \
      --archs mobile-unet-v1,mobile-unet-v2

Timing does not depend on the weights, so no training is needed. Each ONNX goes through the same exporter as
stage 5 (export.export_onnx, BatchNorm folded) and the same op check. Prints one JSON line per file and writes
them all to <out>/students.json: {arch, widths, blocks, size, path, gflops (mul and add counted), params}.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import onnx
import torch
from torch import nn

from .export import WEB_OPS, export_onnx
from .models.student_model import ARCH_DEFAULTS, ARCHS, DEFAULT_ARCH, build_student
from .util.flops import count_macs, count_params


def randomise_batch_norm(net: nn.Module) -> nn.Module:
    # Fresh BatchNorm statistics fold to identity; give them values a trained net would have.
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return net.eval()


def export_random_student(arch: str, widths: str | None, blocks: str | None, size: int, path: Path,
                          seed: int = 0) -> dict:
    torch.manual_seed(seed)
    net = randomise_batch_norm(build_student(arch, widths, blocks))
    path.parent.mkdir(parents=True, exist_ok=True)
    export_onnx(net, size, path)
    ops = {n.op_type for n in onnx.load(str(path)).graph.node}
    if ops - WEB_OPS:
        raise ValueError(f"{arch}: ops outside the web providers' common set: {sorted(ops - WEB_OPS)}")
    widths, blocks = widths or ARCH_DEFAULTS[arch][0], blocks or ARCH_DEFAULTS[arch][1]
    return {"arch": arch, "widths": widths, "blocks": blocks, "size": size, "path": str(path),
            "gflops": 2 * count_macs(net, size) / 1e9, "params": count_params(net), "ops": sorted(ops)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--sizes", default="128,192,256")
    p.add_argument("--archs", default=DEFAULT_ARCH, help=f"comma-separated, of: {', '.join(sorted(ARCHS))}")
    p.add_argument("--widths", default=None, help="default: each architecture's own")
    p.add_argument("--blocks", default=None)
    opt = p.parse_args(argv)
    rows = []
    for arch in opt.archs.split(","):
        for size in (int(s) for s in opt.sizes.split(",")):
            row = export_random_student(arch, opt.widths, opt.blocks, size, opt.out / f"{arch}-{size}.onnx")
            print(json.dumps(row), flush=True)
            rows.append(row)
    (opt.out / "students.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
