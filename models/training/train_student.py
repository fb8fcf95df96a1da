"""Stage 4: train the real-time student (mobile U-Net) on the teacher's pairs, with the shift/scale equivariance term.

  /usr/bin/python3 -m models.training.train_student --out models/training/out/full --minutes 25 --resume auto
"""
from __future__ import annotations

import json

import torch

from .datasets.faces import Pairs, forever
from .models.student_model import StudentModel, add_student_flags, resolve_arch_defaults
from .options.base_options import add_training_flags, base_parser, parse, write_options
from .trainer import make_loader, train
from .util.device import pick_device, seed_everything
from .util.flops import count_macs, count_params, describe

MAX_MACS_256 = 0.4e9       # 0.8 GFLOPs counting multiply and add separately
MAX_FP16_BYTES = 4 * 2**20


def build_parser():
    p = base_parser(__doc__.splitlines()[0])
    add_training_flags(p, steps=30000, batch=32, lr=2e-3)
    add_student_flags(p)
    return p


def main(argv=None):
    opt = parse(build_parser(), argv)
    resolve_arch_defaults(opt)
    seed_everything(opt.seed)
    device = pick_device(opt.device)
    folder = opt.out / "student"
    write_options(opt, folder)
    pairs = Pairs(opt.out / "pairs")
    model = StudentModel(opt, device)
    macs, params = count_macs(model.S, 256), count_params(model.S)
    print(f"[student] {len(pairs)} pairs, device {device}; student at 256x256: {describe(model.S, 256)}; "
          f"at {opt.size}x{opt.size}: {count_macs(model.S, opt.size) / 1e9:.3f} GMACs")
    (folder / "budget.json").write_text(json.dumps({"macs_256": macs, "gflops_256": 2 * macs / 1e9, "params": params,
                                                    "fp16_bytes": 2 * params}, indent=2) + "\n")
    if macs > MAX_MACS_256 or 2 * params > MAX_FP16_BYTES:
        raise ValueError(f"student over budget: {macs / 1e9:.3f} GMACs (max {MAX_MACS_256 / 1e9}), "
                         f"{2 * params / 2**20:.2f} MiB fp16 (max 4)")
    batches = forever(make_loader(pairs, min(opt.batch_size, len(pairs)), opt.workers))
    train(model, batches, opt, folder)


if __name__ == "__main__":
    main()
