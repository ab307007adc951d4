"""Worker processes (``quoteattr.parallel``): same results as one process, in order, failures surfaced."""

from __future__ import annotations

import json
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from quoteattr import parallel
from quoteattr.cli import main
from quoteattr.parallel import ordered_map, threads_per_worker

from .conftest import tiny_model_dir


def _scaled(payload: int, task: int) -> tuple[int, int]:
    if task < 0:
        raise ValueError(f"negative task {task}")
    return payload * task, os.getpid()


def _die(payload: int, task: int) -> int:
    if task == 3:
        os._exit(1)  # a worker killed mid-corpus (out of memory, a signal)
    return task


def _threads(payload: None, task: int) -> int:
    import torch

    return torch.get_num_threads()


def test_results_come_back_in_input_order_from_several_processes():
    out = list(ordered_map(_scaled, 10, iter(range(40)), workers=2))
    assert [value for value, _ in out] == [10 * k for k in range(40)]
    assert os.getpid() not in {pid for _, pid in out}


def test_a_failing_task_raises_its_error_in_the_caller():
    with pytest.raises(ValueError, match="negative task -1"):
        list(ordered_map(_scaled, 1, [1, 2, -1, 4], workers=2))


def test_a_dead_worker_is_an_error_not_a_hang():
    with pytest.raises(BrokenProcessPool):
        list(ordered_map(_die, None, range(8), workers=2))


def test_workers_share_the_cpus_threads(monkeypatch):
    monkeypatch.setattr(parallel, "available_cpus", lambda: 8)
    assert threads_per_worker(2) == 4 and threads_per_worker(8) == 1 and threads_per_worker(16) == 1
    assert set(ordered_map(_threads, None, range(4), workers=2)) == {threads_per_worker(2)}


def test_omp_num_threads_caps_the_cpus_used(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert parallel.available_cpus() == 1 and parallel.auto_workers() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert parallel.available_cpus() >= 1


def test_stopping_early_leaves_no_workers_behind():
    results = ordered_map(_scaled, 1, range(1000), workers=2)
    assert next(results)[0] == 0
    results.close()  # the consumer stops: queued tasks are dropped, the pool shut down


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        list(ordered_map(_scaled, 1, [1], workers=0))


@pytest.fixture
def tiny_attributor(tmp_path, fixture_records):
    from quoteattr.pipeline import QuoteAttributor

    # Threshold 0: every quotation-mark pair is a quote, so a random model still gives output to compare.
    model = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records], quote_threshold=0.0)
    return model, QuoteAttributor.from_pretrained(model, int8=True)


def test_workers_give_the_same_results_as_one_process(tiny_attributor, fixture_records):
    _, qa = tiny_attributor
    records = [{"id": f"d{k}", "text": r["text"]} for k, r in enumerate(fixture_records * 3)]
    serial = [r.to_json() for r in qa.attribute_many(records)]
    assert sum(len(json.loads(r)["quotes"]) for r in serial) > 0
    assert [r.to_json() for r in qa.attribute_many(records, workers=2)] == serial
    with pytest.raises(ValueError, match="record 1: 'text' must be a string"):
        list(qa.attribute_many([records[0], {"id": "x", "text": None}], workers=2))


def test_spawned_workers_get_a_pickled_model(tiny_attributor, fixture_records, monkeypatch):
    """Where fork is missing (macOS, Windows) workers are spawned: the model must survive pickling."""
    import multiprocessing

    _, qa = tiny_attributor
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    records = [{"id": f"d{k}", "text": r["text"]} for k, r in enumerate(fixture_records)]
    assert [r.to_json() for r in qa.attribute_many(records, workers=2)] == [r.to_json() for r in qa.attribute_many(records)]


def test_cli_workers_write_the_same_file(tmp_path, tiny_attributor, fixture_records, capsys):
    model, _ = tiny_attributor
    inputs = tmp_path / "in"
    inputs.mkdir()
    for k, r in enumerate(fixture_records * 2):
        (inputs / f"doc{k:02d}.txt").write_text(r["text"], encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["attribute", str(inputs), "--model", str(model), "--int8", "-o", str(one)]) == 0
    assert main(["attribute", str(inputs), "--model", str(model), "--int8", "--workers", "2", "-o", str(two)]) == 0
    assert one.read_text() == two.read_text() and len(one.read_text().splitlines()) == 8
    for bad in ("0", "two"):
        with pytest.raises(SystemExit):
            main(["attribute", str(inputs), "--model", str(model), "--workers", bad, "-o", str(tmp_path / "x.jsonl")])
        assert f"expected a positive number of processes or 'auto', got '{bad}'" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_cli_uses_one_worker_per_cpu_by_default(monkeypatch):
    from quoteattr.cli import build_parser

    monkeypatch.setattr(parallel, "available_cpus", lambda: 3)
    assert build_parser().parse_args(["attribute", "x.txt"]).workers == 3
    monkeypatch.setattr(parallel, "available_cpus", lambda: 64)
    assert build_parser().parse_args(["evaluate", "--gold", "g", "--fast"]).workers == parallel.MAX_AUTO_WORKERS
    assert build_parser().parse_args(["attribute", "x.txt", "--workers", "1"]).workers == 1
