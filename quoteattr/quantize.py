"""Dynamic int8 quantisation of the encoder, with calibrated input smoothing.

torch's dynamic int8 Linear quantises each input with one scale for the whole
window, so a few input channels with very large values (BERT has them; after
GELU they reach 100x the typical magnitude) leave the other channels only a
handful of int8 levels. Smoothing (SmoothQuant, Xiao et al. 2023) divides
each input channel by ``s = max|x|^alpha / max|w|^(1 - alpha)`` and
multiplies the matching weight column by ``s``: the float product is
unchanged, the activation range flattens and the weights, quantised per
output row, absorb the outliers. On PolNeAR dev it halves the tokens whose
label differs from fp32 and recovers fp32's span and quote-speaker F1
(RESULTS.md, "Calibrated int8").

``max|x|`` per channel comes from running the fp32 model over real text once
(``python -m training.calibrate``); it is stored beside the weights as
``int8_calibration.safetensors``. A folder without the file is quantised
plainly, as before.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

import torch
from torch import nn

CALIBRATION_FILE = "int8_calibration.safetensors"
SMOOTHING_ALPHA = 0.9  # 0.85-1.0 measured alike on dev (fp32 agreement); 0.5 and below made the weights the problem
_SCALE_LIMITS = (1e-2, 1e2)


class CalibrationError(ValueError):
    """A calibration file that does not match the model it is applied to."""


class SmoothedLinear(nn.Module):
    """``dense(x * inv_scale)``: a Linear whose weight columns were multiplied by ``1 / inv_scale``."""

    def __init__(self, linear: nn.Linear, scale: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("inv_scale", (1.0 / scale).to(torch.float32))
        self.dense = nn.Linear(linear.in_features, linear.out_features, bias=linear.bias is not None)
        with torch.no_grad():
            self.dense.weight.copy_(linear.weight * scale[None, :].to(linear.weight.dtype))
            if linear.bias is not None:
                self.dense.bias.copy_(linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense(x * self.inv_scale)


def _linears(model: nn.Module) -> dict[str, nn.Linear]:
    return {name: m for name, m in model.named_modules() if isinstance(m, nn.Linear)}


@torch.inference_mode()
def input_ranges(model: nn.Module, batches: Iterable[Mapping[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Largest |input| per channel of every Linear layer over ``batches`` (model kwargs),
    padded positions excluded."""
    ranges: dict[str, torch.Tensor] = {}
    keep: dict[str, Optional[torch.Tensor]] = {"mask": None}

    def hook(name: str) -> Callable[..., None]:
        def record(_module: nn.Module, inputs: tuple[torch.Tensor, ...], _output: Any) -> None:
            x = inputs[0].detach().float()
            mask = keep["mask"]
            if mask is not None and x.dim() == 3 and x.shape[:2] == mask.shape:
                x = x[mask]
            top = x.abs().reshape(-1, x.shape[-1]).amax(0)
            ranges[name] = torch.maximum(ranges[name], top) if name in ranges else top
        return record

    handles = [m.register_forward_hook(hook(name)) for name, m in _linears(model).items()]
    try:
        for batch in batches:
            mask = batch.get("attention_mask")
            keep["mask"] = mask.bool() if mask is not None else None
            model(**batch)
    finally:
        for handle in handles:
            handle.remove()
    if not ranges:
        raise CalibrationError("no Linear layer saw any input: give at least one non-empty text")
    return ranges


def smooth_inputs(model: nn.Module, ranges: Mapping[str, torch.Tensor], alpha: float = SMOOTHING_ALPHA) -> nn.Module:
    """Replace every Linear named in ``ranges`` by a :class:`SmoothedLinear` (in place);
    the float model computes the same function afterwards."""
    linears = _linears(model)
    unknown = sorted(set(ranges) - set(linears))
    if unknown:
        raise CalibrationError(f"calibration names layers the model lacks: {unknown[:3]}")
    for name, linear in linears.items():
        if name not in ranges:
            continue
        x_max = ranges[name].to(torch.float32)
        if x_max.shape != (linear.in_features,):
            raise CalibrationError(f"calibration for {name} has shape {tuple(x_max.shape)}, the layer takes {linear.in_features} inputs")
        w_max = linear.weight.detach().abs().amax(0).to(torch.float32).clamp(min=1e-5)
        scale = (x_max.clamp(min=1e-5) ** alpha / w_max ** (1 - alpha)).clamp(*_SCALE_LIMITS)
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, SmoothedLinear(linear, scale))
    return model


def quantize_int8(model: nn.Module, ranges: Optional[Mapping[str, torch.Tensor]] = None) -> nn.Module:
    """Dynamic int8 quantisation of every Linear layer (CPU inference only), smoothed first
    when calibration ``ranges`` are given.

    Weights get one scale per output channel rather than one per matrix: as
    fast on this CPU, and it halves the accuracy lost to int8 on PolNeAR dev
    (RESULTS.md).
    """
    from torch.ao.quantization import per_channel_dynamic_qconfig

    if ranges:
        smooth_inputs(model, ranges)
    with warnings.catch_warnings():  # torch marks the quantized tensor API deprecated; the path still works
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)


def save_calibration(directory: str | Path, ranges: Mapping[str, torch.Tensor]) -> Path:
    """Write ``ranges`` as the folder's calibration file; returns its path."""
    from safetensors.torch import save_file

    path = Path(directory) / CALIBRATION_FILE
    save_file({name: t.detach().to(torch.float32).contiguous() for name, t in ranges.items()}, str(path))
    return path


def load_calibration(directory: str | Path) -> Optional[dict[str, torch.Tensor]]:
    """The folder's calibration ranges, or None when it has no calibration file."""
    from safetensors.torch import load_file

    path = Path(directory) / CALIBRATION_FILE
    if not path.is_file():
        return None
    try:
        return dict(load_file(str(path)))
    except Exception as exc:  # truncated or not safetensors
        raise CalibrationError(f"{path}: cannot be read ({type(exc).__name__}: {exc}); rerun python -m training.calibrate") from None
