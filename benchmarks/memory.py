"""Peak memory of a command and every process it starts, counting shared pages once (Linux).

    python benchmarks/memory.py -- quoteattr attribute ../shared/data/polnear/dev/text --fast --workers 2 -o /tmp/q.jsonl

Worker processes forked from a loaded model share its weights, so adding up
each process's RSS overstates what they use together. This samples the
proportional set size (PSS: each shared page split among the processes that
map it) of the whole process tree every 0.1 s and reports the peak, with the
peak summed RSS beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        p = queue.pop()
        pids.append(p)
        queue.extend(_children(p))
    return pids


def _kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:  # the process ended between listing and reading
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    started = time.perf_counter()
    proc = subprocess.Popen(command)
    peak_pss = peak_rss = most = 0
    while proc.poll() is None:
        pids = _tree(proc.pid)
        peak_pss = max(peak_pss, sum(_kb(p, "Pss") for p in pids))
        peak_rss = max(peak_rss, sum(_kb(p, "Rss") for p in pids))
        most = max(most, len(pids))
        time.sleep(0.1)
    figures = {"command": " ".join(command), "returncode": proc.returncode, "seconds": round(time.perf_counter() - started, 1),
               "peak_pss_mb": round(peak_pss / 1024, 1), "peak_summed_rss_mb": round(peak_rss / 1024, 1), "most_processes": most}
    print(json.dumps(figures, indent=2))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
