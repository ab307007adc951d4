"""How far an int8 path strays from its fp32 model, calibrated and not.

    python benchmarks/int8_agreement.py ../shared/data/polnear/dev
    python benchmarks/int8_agreement.py articles/ --model quoteattr/default_model/fast

Tags every window of a folder's ``.txt`` articles (or a PolNeAR split's
``text/``) with the fp32 model, plain int8 and calibrated int8 (the folder's
``int8_calibration.safetensors``), and reports per mille of tokens whose
label differs from fp32's and the relative error of the last hidden state
(what the linker reads). No gold is needed: a low-noise check of
quantisation on a corpus of your own. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from articles import read_articles  # benchmarks/articles.py


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="folder of .txt articles (or a PolNeAR split with text/)")
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--max-windows", type=int, default=400, help="compare at most this many windows")
    args = parser.parse_args()

    import torch

    from quoteattr.inference import plan_windows
    from quoteattr.modeling import DEFAULT_MODEL_DIR, load_runtime_tagger
    from quoteattr.quantize import load_calibration, quantize_int8
    from quoteattr.tagging import collate, tokenize_documents

    torch.set_num_threads(1)
    directory = Path(args.model) if args.model else DEFAULT_MODEL_DIR
    ranges = load_calibration(directory)
    if ranges is None:
        print(f"{directory} has no int8 calibration; run python -m training.calibrate first", file=sys.stderr)
        return 2
    folder = Path(args.folder)
    folder = folder / "text" if (folder / "text").is_dir() else folder
    fp32, tokenizer, settings = load_runtime_tagger(directory)
    paths = {"plain": quantize_int8(load_runtime_tagger(directory)[0]), "calibrated": quantize_int8(load_runtime_tagger(directory)[0], ranges)}
    docs = tokenize_documents([a.text for a in read_articles(folder)], tokenizer)
    windows = plan_windows(tokenizer, docs, settings.max_length, settings.stride, settings.use_casing)[: args.max_windows]
    differ = {name: 0 for name in paths}
    error = {name: 0.0 for name in paths}
    tokens = 0
    with torch.inference_mode():
        for window in windows:
            arrays = collate([window], tokenizer.pad_token_id or 0)
            batch = {k: torch.from_numpy(arrays[k]) for k in ("input_ids", "token_type_ids", "attention_mask")}
            ref = fp32(**batch, output_hidden_states=True)
            tokens += batch["input_ids"].shape[1]
            for name, model in paths.items():
                out = model(**batch, output_hidden_states=True)
                differ[name] += int((out.logits.argmax(-1) != ref.logits.argmax(-1)).sum())
                error[name] += float((out.hidden_states[-1] - ref.hidden_states[-1]).norm() / ref.hidden_states[-1].norm())
    figures = {
        "model": str(directory), "windows": len(windows), "tokens": tokens,
        **{f"{name}_labels_differ_per_mille": round(1000 * differ[name] / tokens, 2) for name in paths},
        **{f"{name}_hidden_relative_error": round(error[name] / len(windows), 4) for name in paths},
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
