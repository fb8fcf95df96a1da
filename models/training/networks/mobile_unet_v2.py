"""Student v2 ("mobile-unet-v2"): a mobile U-Net shaped for onnxruntime-web's WASM (MLAS) and WebGPU kernels.

Where v1's 73 ms per 256x256 frame went on one WASM thread (per-node profile, models/training/README.md):
16 ms in the 3x3 head conv over 35 channels at 256x256 (a GEMM with 3 output rows), 17 ms in the decoder's
pointwise convs over the widened Concat tensors, 11 ms in depthwise convs over those same wide tensors.
Every dense op ran at about the same 7 GMAC/s, depthwise at about a third of that, so time follows MACs.
v2 keeps v1's encoder (stride-2 stem, depthwise-separable blocks) and replaces the rest:
- decoder: a 2x2 stride-2 ConvTranspose to the skip's width, merged by Add (no Concat, no Resize), then one
  depthwise-separable block at 1/16 .. 1/4; at 1/2 only the merge;
- head: a 1x1 conv to 12 channels at 1/2 resolution and PixelShuffle (DepthToSpace) to 3 at full
  resolution, plus a 3x3 conv on the input (3 -> 3 channels) for full-resolution detail, then tanh;
- narrower widths (24 .. 256 instead of 32 .. 320), the same blocks per stage.
Ops: Conv, ConvTranspose, Add, DepthToSpace, Relu, Tanh (BatchNorm folds into Conv at export), all run by
both onnxruntime-web WASM and WebGPU.
"""
from __future__ import annotations

import torch
from torch import nn

from .mobile_unet import DSBlock, mobile_encoder


class MobileUNetV2(nn.Module):
    # Default: 0.106 GMACs (0.213 GFLOPs counting mul and add) at 256x256, 0.427 M parameters (0.81 MiB fp16).
    def __init__(self, widths=(24, 32, 64, 128, 256), blocks=(1, 2, 3, 3)):
        super().__init__()
        self.stem, self.down = mobile_encoder(widths, blocks)
        self.up = nn.ModuleList()
        self.decode = nn.ModuleList()
        for i in range(len(widths) - 1, 0, -1):
            # A bias instead of BatchNorm: the exporter folds BatchNorm into Conv but not into ConvTranspose.
            self.up.append(nn.ConvTranspose2d(widths[i], widths[i - 1], 2, stride=2))
            # No block at 1/2 resolution: a depthwise-separable block there costs ~5 ms on one WASM thread.
            self.decode.append(DSBlock(widths[i - 1], widths[i - 1]) if i > 1 else nn.Identity())
        self.head = nn.Sequential(nn.Conv2d(widths[0], 12, 1), nn.PixelShuffle(2))   # 1/2 -> full resolution
        self.refine = nn.Conv2d(3, 3, 3, padding=1)                  # full-resolution detail from the input

    def forward(self, x):
        skips = [self.stem(x)]
        for stage in self.down:
            skips.append(stage(skips[-1]))
        y = skips.pop()
        for up, decode in zip(self.up, self.decode):
            y = decode(up(y) + skips.pop())
        return torch.tanh(self.head(y) + self.refine(x))
