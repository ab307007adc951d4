"""The default model shipped inside the package, run on the seed articles.

These guard against shipping a broken or regressed checkpoint; the measured
figures and their commands are in RESULTS.md. Thresholds sit a little below
the measured values so that a real regression, not noise, fails them.
"""

from __future__ import annotations

import json

import pytest
import torch

from quoteattr.evaluation import evaluate
from quoteattr.gold import load_gold, load_speakers
from quoteattr.modeling import DEFAULT_MODEL_DIR
from quoteattr.pipeline import QuoteAttributor

from .conftest import SEEDS

# Measured on 2026-11-23 (RESULTS.md): quote F1 (lenient) 1.0, attribution F1 1.0, both
# with quote-focused reading (the default) and with every paragraph read.
# The targets are 0.98 and 0.90; the floors sit at the targets.
QUOTE_F1_FLOOR = 0.98
ATTRIBUTION_F1_FLOOR = 0.90


@pytest.fixture(scope="module")
def shipped():
    return QuoteAttributor.from_pretrained()


def run_on_seeds(attributor: QuoteAttributor) -> tuple:
    """(gold documents, results by doc_id, evaluation report) of ``attributor`` on the seeds."""
    docs = load_gold(SEEDS / "gold.jsonl")
    results = {r.doc_id: r for r in attributor.attribute_many([{"id": d.doc_id, "text": d.text} for d in docs])}
    return docs, results, evaluate(docs, results, load_speakers(SEEDS / "speakers.json"))


@pytest.fixture(scope="module")
def seed_report(shipped):
    return run_on_seeds(shipped)


def test_checkpoint_is_small_fp16_safetensors():
    weights = DEFAULT_MODEL_DIR / "model.safetensors"
    assert weights.stat().st_size < 50 * 1024 * 1024
    header_len = int.from_bytes(weights.read_bytes()[:8], "little")
    header = json.loads(weights.read_bytes()[8 : 8 + header_len])
    assert {v["dtype"] for k, v in header.items() if k != "__metadata__"} == {"F16"}
    assert not list(DEFAULT_MODEL_DIR.glob("*.bin"))


def test_loads_with_no_argument_and_has_linker(shipped):
    assert shipped.linker is not None
    assert shipped.settings.use_casing
    # fp16 on disk, float32 in memory (CPU half-precision matmuls are slow and int8 needs float32)
    assert {p.dtype for p in shipped.model.parameters()} == {__import__("torch").float32}


def test_outputs_index_the_original_text(seed_report):
    docs, results, _ = seed_report
    for doc in docs:
        for q in results[doc.doc_id].quotes:
            assert doc.text[q.start:q.end] == q.text
            if q.mention:
                assert doc.text[q.mention.start:q.mention.end] == q.mention.text


def test_seed_quote_detection(seed_report):
    _, _, report = seed_report
    assert report["quotes"]["lenient"]["f1"] >= QUOTE_F1_FLOOR


def test_seed_attribution(seed_report):
    _, _, report = seed_report
    assert report["attribution"]["f1"] >= ATTRIBUTION_F1_FLOOR


def test_full_text_reading_meets_the_same_floors(shipped):
    """The shipped pipeline reads each article up to its last quotation; reading the
    whole article must not be what the seed figures depend on (and vice versa)."""
    full = QuoteAttributor(shipped.model, shipped.tokenizer, shipped.settings, linker=shipped.linker, focus=False)
    _, _, report = run_on_seeds(full)
    assert report["quotes"]["lenient"]["f1"] >= QUOTE_F1_FLOOR
    assert report["attribution"]["f1"] >= ATTRIBUTION_F1_FLOOR


def test_title_in_marks_is_rejected(seed_report):
    docs, results, _ = seed_report
    doc = next(d for d in docs if d.doc_id.startswith("003"))
    title_start = doc.text.index("\u201cPakistan and Iran Reach") + 1
    assert all(q.start != title_start for q in results[doc.doc_id].quotes)


# An invented article (not a seed, no seed names): the behaviours the pipeline must have
# on any news text - split quotes, pronoun and description chains, appositions,
# affiliations, a conjoined speaker, a misspelt surname, an organisation named only
# in the narrative.
ARTICLE = """Central bank holds rates, says inflation is "too high"

FRANKFURT - The Northland Central Bank left interest rates unchanged on Wednesday, with Governor Ilse Marquardt warning that prices were rising "too fast for comfort."

"We are not there yet," Marquardt told reporters. "But we are on the right path," she added, "and we will stay on it."

Kenji Morimoto, chief economist at Daiwa Securities, said the bank had "run out of reasons" to wait, while Sarah Klein of ING argued that "patience is still the better choice."

Oregon's Department of Education closed schools on Thursday. The department said the move was "a last resort." It said further, "Families will receive updates every morning."

Marquart, speaking later, said: "Our decisions will depend on the data."
"""


# A second invented article: a dateline, a conjoined speaker named again by a counted
# description, a name with a particle run after a title, an indefinite spokesperson
# for the organisation named just before, a person introduced without a cue and then
# quoted as "he", and an anonymous source that stays anonymous.
ARTICLE_2 = """Ruritania and Lusitania sign water-sharing accord

VALDORA - Ruritania and Lusitania on Monday signed an accord on the Varna river that both governments described as "a model for the region."

"Today we choose cooperation over conflict," said Commission President Maria van der Berg, who brokered the talks. "It was not easy," she added.

The Lusitanian Ministry of Agriculture said it was "satisfied" with the quotas. A spokesperson said: "Our farmers will have the water they need."

Resident Tomas Kovac, whose village lies downstream, was less sure. "We have heard promises before," he said.

A senior diplomat involved in the talks said the deal had been "weeks from collapse" in March. The two countries will review the quotas every five years.
"""


def test_second_invented_article_speakers(shipped):
    speakers = {q.text: q.speaker for q in shipped.attribute(ARTICLE_2, "invented-2").quotes}
    assert speakers["a model for the region."] == "Ruritania and Lusitania"  # not the dateline
    assert speakers["Today we choose cooperation over conflict,"] == "Maria van der Berg"
    assert speakers["It was not easy,"] == "Maria van der Berg"
    assert speakers["satisfied"] == speakers["Our farmers will have the water they need."] == "Lusitanian Ministry of Agriculture"
    assert speakers["We have heard promises before,"] == "Tomas Kovac"  # not the last quoted person
    assert speakers["weeks from collapse"] == "A senior diplomat involved in the talks"


@pytest.fixture(scope="module")
def invented(shipped):
    result = shipped.attribute(ARTICLE, "invented")
    return {q.text: q.speaker for q in result.quotes}, result


def test_invented_article_speakers(invented):
    speakers, _ = invented
    assert speakers["We are not there yet,"] == "Ilse Marquardt"
    assert speakers["But we are on the right path,"] == "Ilse Marquardt"  # pronoun between the parts
    assert speakers["and we will stay on it."] == "Ilse Marquardt"
    assert speakers["run out of reasons"] == "Kenji Morimoto"
    assert speakers["patience is still the better choice."] == "Sarah Klein"
    assert speakers["a last resort."] == "Oregon's Department of Education"
    assert speakers["Families will receive updates every morning."] == "Oregon's Department of Education"
    assert speakers["Our decisions will depend on the data."] == "Ilse Marquardt"  # misspelt surname


def test_invented_article_speaker_list_carries_all_mentions(invented):
    _, result = invented
    by_name = {s.name: s for s in result.speakers}
    assert {"he", "she"} & {m.text.lower() for m in by_name["Ilse Marquardt"].mentions}
    assert {m.text for m in by_name["Ilse Marquardt"].mentions} >= {"Marquardt", "Marquart"}


# The fast path (5-layer student with 1024-unit feed-forward blocks, calibrated int8), measured on
# 2026-11-23 (RESULTS.md):
# seeds quote F1 0.987, attribution F1 0.987. Floors a little below.
FAST_QUOTE_F1_FLOOR = 0.95
FAST_ATTRIBUTION_F1_FLOOR = 0.90


def test_both_shipped_folders_are_calibrated_for_int8():
    from quoteattr.modeling import DEFAULT_MODEL_DIR, FAST_MODEL_DIR, load_runtime_tagger
    from quoteattr.quantize import load_calibration

    for folder in (DEFAULT_MODEL_DIR, FAST_MODEL_DIR):
        ranges = load_calibration(folder)
        model = load_runtime_tagger(folder)[0]
        linears = {n: m for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
        assert ranges is not None and set(ranges) == set(linears), folder
        assert all(ranges[n].shape == (m.in_features,) and bool((ranges[n] > 0).all()) for n, m in linears.items())


def test_fast_model_shares_the_default_embeddings_and_stays_small():
    from safetensors import safe_open

    from quoteattr.modeling import EMBEDDINGS_PREFIX, FAST_MODEL_DIR

    weights = FAST_MODEL_DIR / "model.safetensors"
    assert weights.stat().st_size < 20 * 1024 * 1024
    with safe_open(str(weights), framework="pt") as f:
        keys = list(f.keys())
        assert {str(f.get_slice(k).get_dtype()) for k in keys} == {"F16"}
    assert not any(k.startswith(EMBEDDINGS_PREFIX) for k in keys)
    config = json.loads((FAST_MODEL_DIR / "config.json").read_text())
    assert (config["num_hidden_layers"], config["intermediate_size"]) == (5, 1024)


def test_fast_path_on_the_seeds():
    fast = QuoteAttributor.from_pretrained(fast=True)
    assert fast.linker is not None and fast.model.config.num_hidden_layers == 5
    _, _, report = run_on_seeds(fast)
    assert report["quotes"]["lenient"]["f1"] >= FAST_QUOTE_F1_FLOOR
    assert report["attribution"]["f1"] >= FAST_ATTRIBUTION_F1_FLOOR


def test_evaluate_cli_runs_the_fast_model(tmp_path):
    from quoteattr.cli import main

    out = tmp_path / "report.json"
    assert main(["evaluate", "--gold", str(SEEDS / "gold.jsonl"), "--speakers", str(SEEDS / "speakers.json"), "--fast", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["attribution"]["f1"] >= FAST_ATTRIBUTION_F1_FLOOR
