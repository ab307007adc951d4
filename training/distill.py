"""Knowledge distillation: a smaller student learns the shipped tagger's outputs.

A student cut from the teacher's lower layers and trained on gold labels
alone loses more accuracy than one that also matches the teacher's
per-token label distribution (soft labels carry how sure the teacher is
about boundaries) and its last hidden states (which the learned linker reads,
so the teacher's linker stays meaningful on the student's states).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence


def check_layer_map(layer_map: Sequence[int], student_layers: int, teacher_layers: int) -> None:
    """Refuse a hidden_distill_layers list that does not fit the two models."""
    if len(layer_map) != student_layers:
        raise ValueError(f"hidden_distill_layers has {len(layer_map)} entries; the student has {student_layers}")
    bad = [t for t in layer_map if not 1 <= t <= teacher_layers]
    if bad:
        raise ValueError(f"hidden_distill_layers: teacher layer {bad[0]} does not exist (the teacher has 1..{teacher_layers})")


def freeze_embeddings(model: Any) -> int:
    """Stop training the embedding block; returns how many parameters were frozen.

    A student whose embeddings stay the teacher's can share that table (more
    than half of MiniLM's weights) instead of shipping a copy.
    """
    frozen = 0
    for param in model.base_model.embeddings.parameters():
        param.requires_grad_(False)
        frozen += param.numel()
    return frozen


def distillation_loss(
    student_out: Any,
    teacher_out: Any,
    attention_mask: Any,
    temperature: float,
    hidden_weight: float,
    layer_map: Optional[Sequence[int]] = None,
    token_weights: Any = None,
) -> tuple[Any, Any]:
    """(soft-label KL, hidden-state MSE) averaged over the real (unpadded) tokens.

    The KL term is scaled by ``temperature**2`` so its gradients keep their
    size whatever the temperature (Hinton et al., 2015). Without
    ``layer_map`` only the last hidden states are matched; with it, student
    layer ``i + 1`` matches teacher layer ``layer_map[i]`` (1-based, as in
    ``hidden_states``) and the MSE is the mean over those pairs: every layer
    then gets a target of its own instead of learning only through the last.
    ``token_weights`` (batch x tokens) turns the KL into a weighted mean.
    """
    import torch
    from torch.nn import functional as F

    mask = attention_mask.bool()
    s_logits = student_out.logits[mask] / temperature
    t_logits = teacher_out.logits[mask] / temperature
    per_token = F.kl_div(F.log_softmax(s_logits, -1), F.log_softmax(t_logits, -1), log_target=True, reduction="none").sum(-1)
    if token_weights is None:
        kl = per_token.mean()
    else:
        w = token_weights[mask]
        kl = (per_token * w).sum() / w.sum()
    kl = kl * temperature**2
    if hidden_weight:
        pairs = [(-1, -1)] if layer_map is None else list(enumerate(layer_map, start=1))
        mse = torch.stack(
            [F.mse_loss(student_out.hidden_states[s][mask], teacher_out.hidden_states[t][mask]) for s, t in pairs]
        ).mean()
    else:
        mse = torch.zeros((), device=kl.device)
    return kl, mse


def role_token_weights(labels: Any, teacher_logits: Any, label_ids: Sequence[int], weight: float) -> Any:
    """Per-token loss weights: ``weight`` where the gold label or the teacher's
    likeliest label is one of ``label_ids`` (e.g. B/I-SOURCE), 1 elsewhere.

    Students trail their teacher most on Source spans; this spends more of
    their capacity there. Teacher labels count too, so a span the teacher tags
    but the gold misses still pulls. Measured once (RESULTS.md, session 11):
    weight 2 bought Source recall with precision.
    """
    import torch

    ids = torch.tensor(list(label_ids), device=labels.device)
    hit = torch.isin(labels, ids) | torch.isin(teacher_logits.argmax(-1), ids)
    return torch.where(hit, torch.full_like(labels, weight, dtype=teacher_logits.dtype), torch.ones_like(labels, dtype=teacher_logits.dtype))


def weighted_cross_entropy(logits: Any, labels: Any, weights: Any) -> Any:
    """Gold-label cross-entropy as a weighted mean over labelled tokens (-100 ignored)."""
    from torch.nn import functional as F

    keep = labels != -100
    per_token = F.cross_entropy(logits[keep], labels[keep], reduction="none")
    w = weights[keep]
    return (per_token * w).sum() / w.sum()
