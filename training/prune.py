"""Narrow a tagger's feed-forward blocks before distillation (a faster student).

Two thirds of a BERT layer's multiply-adds are in its feed-forward block
(hidden -> intermediate -> hidden). Cutting whole layers removes attention
and feed-forward together; dropping the intermediate units that contribute
least keeps every layer's attention and most of what the block computes.
A unit's contribution is measured on real windows as its mean |activation|
times the norm of its output weights (what it adds to the residual stream),
so units that rarely fire or write little are the ones removed. The narrowed
model is then distilled from the full one like a layer-cut student.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import torch
from torch import nn

from .config import ConfigError


def _ffn_blocks(model: Any) -> list[tuple[nn.Module, nn.Module]]:
    """(intermediate, output) module pairs of every encoder layer (transformers' BERT layout)."""
    return [(layer.intermediate, layer.output) for layer in model.base_model.encoder.layer]


@torch.inference_mode()
def unit_importance(model: Any, batches: Iterable[Mapping[str, torch.Tensor]]) -> list[torch.Tensor]:
    """Per layer, each intermediate unit's mean |activation| over real tokens times its output weights' norm."""
    blocks = _ffn_blocks(model)
    sums = [torch.zeros(inter.dense.out_features, dtype=torch.float64) for inter, _ in blocks]
    count = 0
    mask_holder: dict[str, torch.Tensor] = {}

    def hook(i: int) -> Callable[..., None]:
        def record(_module: nn.Module, _inputs: Any, output: torch.Tensor) -> None:
            mask = mask_holder["mask"]
            sums[i] += output.float().abs()[mask].sum(0).double()

        return record

    handles = [inter.register_forward_hook(hook(i)) for i, (inter, _) in enumerate(blocks)]
    was_training = model.training
    model.eval()
    try:
        for batch in batches:
            mask_holder["mask"] = batch["attention_mask"].bool()
            count += int(mask_holder["mask"].sum())
            model(**batch)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    if count == 0:
        raise ConfigError("intermediate_size: no tokens to measure the feed-forward units on")
    return [(s / count).float() * out.dense.weight.detach().float().norm(dim=0) for s, (_, out) in zip(sums, blocks)]


def _take(linear: nn.Linear, keep: torch.Tensor, dim: int) -> nn.Linear:
    """A copy of ``linear`` keeping only ``keep`` along its output (dim 0) or input (dim 1) units."""
    weight = linear.weight.detach().index_select(dim, keep).clone()
    out_features, in_features = weight.shape
    new = nn.Linear(in_features, out_features, bias=linear.bias is not None, dtype=weight.dtype, device=weight.device)
    with torch.no_grad():
        new.weight.copy_(weight)
        if linear.bias is not None:
            new.bias.copy_(linear.bias.detach() if dim == 1 else linear.bias.detach().index_select(0, keep))
    return new


def narrow_ffn(model: Any, size: int, importance: list[torch.Tensor]) -> None:
    """Keep the ``size`` most important intermediate units of every layer, in their original order."""
    blocks = _ffn_blocks(model)
    current = blocks[0][0].dense.out_features
    if not 0 < size <= current:
        raise ConfigError(f"intermediate_size: {size} is not between 1 and the model's {current}")
    if len(importance) != len(blocks):
        raise ConfigError(f"intermediate_size: {len(importance)} importance vectors for {len(blocks)} layers")
    for (inter, out), score in zip(blocks, importance):
        keep = torch.sort(torch.topk(score, size).indices).values
        inter.dense = _take(inter.dense, keep, 0)
        out.dense = _take(out.dense, keep, 1)
    model.config.intermediate_size = size
