"""A transformers-free BERT token classifier for inference.

Importing transformers' modelling code takes 2-4 s on a small CPU machine,
longer than loading the weights and more than a whole batch of articles
takes to tag. Inference needs only BERT's forward pass, so this module
rebuilds it in plain torch with the same parameter names as
``BertForTokenClassification`` and loads the same safetensors file; tests
check that both give the same outputs. Training keeps using transformers.
Folders of other architectures load through transformers as before.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, NamedTuple, Optional

import torch
from torch import nn
from torch.nn import functional as F

def _gelu(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x)


def _gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x, approximate="tanh")


# Module-level functions, not lambdas: a model must pickle to reach spawned worker processes.
ACTIVATIONS = {"gelu": _gelu, "gelu_new": _gelu_tanh, "gelu_pytorch_tanh": _gelu_tanh, "relu": F.relu}


class UnsupportedConfig(ValueError):
    """The folder's architecture is not one this encoder rebuilds (load it through transformers)."""


@dataclass(frozen=True)
class EncoderConfig:
    """The config.json fields a BERT forward pass depends on."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    num_labels: int
    layer_norm_eps: float = 1e-12
    hidden_act: str = "gelu"

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "EncoderConfig":
        if raw.get("model_type") != "bert":
            raise UnsupportedConfig(f"model_type {raw.get('model_type')!r} is not 'bert'")
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise UnsupportedConfig(f"position_embedding_type {raw.get('position_embedding_type')!r}")
        if raw.get("hidden_act", "gelu") not in ACTIVATIONS:
            raise UnsupportedConfig(f"hidden_act {raw.get('hidden_act')!r}")
        values = dict(raw)
        values.setdefault("num_labels", len(raw.get("id2label") or {}))
        try:
            return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})
        except TypeError as exc:  # a required field is missing
            raise UnsupportedConfig(str(exc)) from None


class TaggerOutput(NamedTuple):
    """What the tagger loop reads: logits, and the last layer's hidden states when asked
    (a one-element tuple, so ``hidden_states[-1]`` reads as with transformers)."""

    logits: torch.Tensor
    hidden_states: Optional[tuple[torch.Tensor]]


class _Embeddings(nn.Module):
    def __init__(self, c: EncoderConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)[None] + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(x)


class _Linear(nn.Module):
    """A dense layer, optionally followed by a residual LayerNorm (BERT's 'output' blocks)."""

    def __init__(self, n_in: int, n_out: int, eps: Optional[float] = None) -> None:
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        if eps is not None:
            self.LayerNorm = nn.LayerNorm(n_out, eps=eps)


class _SelfAttention(nn.Module):
    def __init__(self, c: EncoderConfig) -> None:
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        b, n, d = x.shape
        split = lambda t: t.view(b, n, self.heads, d // self.heads).transpose(1, 2)  # noqa: E731
        out = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)), attn_mask=mask)
        return out.transpose(1, 2).reshape(b, n, d)


class _Attention(nn.Module):
    def __init__(self, c: EncoderConfig) -> None:
        super().__init__()
        setattr(self, "self", _SelfAttention(c))  # the checkpoint's name for it
        self.output = _Linear(c.hidden_size, c.hidden_size, c.layer_norm_eps)


class _Layer(nn.Module):
    def __init__(self, c: EncoderConfig) -> None:
        super().__init__()
        self.attention = _Attention(c)
        self.intermediate = _Linear(c.hidden_size, c.intermediate_size)
        self.output = _Linear(c.intermediate_size, c.hidden_size, c.layer_norm_eps)
        self.act = ACTIVATIONS[c.hidden_act]

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        att = self.attention
        a = att.output.LayerNorm(att.output.dense(getattr(att, "self")(x, mask)) + x)
        return self.output.LayerNorm(self.output.dense(self.act(self.intermediate.dense(a))) + a)


class _LayerList(nn.Module):
    def __init__(self, c: EncoderConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))


class BertEncoder(nn.Module):
    """Embeddings and transformer layers: input ids -> last hidden states."""

    def __init__(self, c: EncoderConfig) -> None:
        super().__init__()
        self.embeddings = _Embeddings(c)
        self.encoder = _LayerList(c)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = self.embeddings(input_ids, token_type_ids)
        mask = None
        if attention_mask is not None and not bool(attention_mask.all()):
            mask = attention_mask[:, None, None, :].bool()  # padded keys are never attended to
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return x


class BertTagger(nn.Module):
    """BERT with a token-classification head; parameter names match transformers'."""

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.bert = BertEncoder(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)

    @property
    def base_model(self) -> BertEncoder:
        return self.bert

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: torch.Tensor,
        attention_mask: Optional[torch.Tensor] = None,
        output_hidden_states: bool = False,
    ) -> TaggerOutput:
        hidden = self.bert(input_ids, token_type_ids, attention_mask)
        return TaggerOutput(self.classifier(hidden), (hidden,) if output_hidden_states else None)


def load_bert_tagger(raw_config: dict[str, Any], state: dict[str, torch.Tensor]) -> BertTagger:
    """Build from a config.json dict and load ``state`` strictly, in float32, eval mode.

    Raises UnsupportedConfig for architectures this module does not rebuild, and
    ValueError naming missing or unexpected tensors.
    """
    model = BertTagger(EncoderConfig.from_json(raw_config))
    expected = set(model.state_dict())
    # transformers may store buffers (position ids) and, for a base model, a pooler.
    extra = {k for k in state if k not in expected and (k.endswith("position_ids") or ".pooler." in k)}
    missing = sorted(expected - set(state))
    unexpected = sorted(set(state) - expected - extra)
    if missing or unexpected:
        raise ValueError(f"tensors missing {missing[:5]}, unexpected {unexpected[:5]}")
    model.load_state_dict({k: v.to(torch.float32) for k, v in state.items() if k in expected})
    return model.eval()
