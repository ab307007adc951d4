"""Worker processes for large corpora: one single-threaded copy of the pipeline per core.

On a small CPU, one process whose matrix products are split over two threads
leaves cores idle: the per-window products are too small to split well, and
the decoding, linking and speaker resolution after the encoder run on one
core in Python. Two processes with one thread each kept both cores busy and
tagged more windows per second (RESULTS.md, "Worker processes"). Workers are
forked from the loaded model where the platform allows it, so they share its
weights and start in milliseconds; elsewhere they are spawned and receive a
pickled copy.

Results come back in input order, a bounded number of chunks in flight, so a
corpus of any size streams through in constant memory.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import QuoteAttributor
    from .types import DocumentResult

T = TypeVar("T")
R = TypeVar("R")

DOCS_PER_TASK = 4  # small tasks keep the workers evenly loaded at the end of a corpus
_state: dict[str, Any] = {}  # the worker process's copy of what it was started with


def available_cpus() -> int:
    """CPUs this process may use: the affinity mask where the OS has one, capped by
    ``OMP_NUM_THREADS`` when the user set it to share a machine politely."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    limit = os.environ.get("OMP_NUM_THREADS", "")
    if limit.isdigit() and int(limit) > 0:
        cpus = min(cpus, int(limit))
    return cpus


MAX_AUTO_WORKERS = 8  # each worker adds ~60-90 MB (RESULTS.md); beyond this, memory grows faster than speed


def auto_workers() -> int:
    """Workers for a batch job when the user does not say: one per available CPU, at most 8."""
    return max(1, min(available_cpus(), MAX_AUTO_WORKERS))


def threads_per_worker(workers: int) -> int:
    """Torch threads for each worker: the available CPUs shared out, at least one."""
    return max(1, available_cpus() // workers)


def _context() -> Any:
    # fork shares the loaded weights copy-on-write; spawn (macOS, Windows) pickles them.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _init(payload: Any, threads: int, pickled: bool) -> None:
    import torch

    # Ctrl-C reaches the whole process group; the parent alone handles it and shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    torch.set_num_threads(threads)
    _state["payload"] = pickle.loads(payload) if pickled else payload


def _call(fn: Callable[[Any, Any], Any], task: Any) -> Any:
    return fn(_state["payload"], task)


def ordered_map(fn: Callable[[Any, T], R], payload: Any, tasks: Iterable[T], workers: int) -> Iterator[R]:
    """``fn(payload, task)`` for each task in ``workers`` processes, results in task order.

    ``payload`` (a loaded model) reaches each worker once, at start-up; ``fn``
    must be a module-level function. At most two tasks per worker are queued
    ahead of the one being yielded. A worker that dies raises
    ``concurrent.futures.process.BrokenProcessPool`` instead of hanging.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    pending: deque[Future] = deque()
    context = _context()
    # A forked worker inherits the payload as it is. A spawned one gets it as plain pickle bytes:
    # multiprocessing's own pickler would hand tensors over as shared-memory file descriptors.
    pickled = context.get_start_method() != "fork"
    initargs = (pickle.dumps(payload) if pickled else payload, threads_per_worker(workers), pickled)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=initargs) as pool:
        try:
            for task in tasks:
                pending.append(pool.submit(_call, fn, task))
                if len(pending) > 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # the consumer stopped early or a task failed: drop what is queued
            for future in pending:
                future.cancel()


def _attribute_chunk(attributor: "QuoteAttributor", task: tuple[list[tuple[str, str]], int]) -> list["DocumentResult"]:
    chunk, batch_size = task
    return list(attributor._run(chunk, batch_size))


def attribute_in_workers(
    attributor: "QuoteAttributor", chunks: Iterable[list[tuple[str, str]]], workers: int, batch_size: int,
) -> Iterator["DocumentResult"]:
    """The pipeline over chunks of ``(doc_id, text)`` records in ``workers`` processes, in input order."""
    for results in ordered_map(_attribute_chunk, attributor, ((chunk, batch_size) for chunk in chunks), workers):
        yield from results
