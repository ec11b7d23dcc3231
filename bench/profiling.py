"""Sampling profiles of running processes with py-spy, for `bench/pipeline.py --profile`:
each process is sampled while the load runs (without pausing it), its stacks are written
as flame-graph input (collapsed stacks, one line per stack: `frame;frame;... count`), and
the heaviest frames are summarised.

    flamegraph.pl test-artifacts/profile/enrollment-worker.txt > enrollment-worker.svg
    (or open the .txt in speedscope.app)
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PY_SPY = Path(sys.executable).with_name("py-spy")
# A frame as py-spy writes it: "function (path/to/file.py:123)".
IDLE = ("select (selectors", "EpollSelector.select", "Condition.wait", "wait (threading")
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


@dataclass
class Recording:
    name: str
    output: Path
    process: subprocess.Popen[bytes]


def start(pids: dict[str, int], directory: Path, rate: int = 200) -> list[Recording]:
    directory.mkdir(parents=True, exist_ok=True)
    recordings = []
    for name, pid in pids.items():
        output = directory / f"{name}.txt"
        command = [str(PY_SPY), "record", "--pid", str(pid), "--format", "raw"]
        command += ["--rate", str(rate), "--nonblocking", "--function", "-o", str(output)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        recordings.append(Recording(name, output, process))
    return recordings


def stop(recordings: list[Recording]) -> None:
    """py-spy writes its file when interrupted."""
    for recording in recordings:
        recording.process.send_signal(signal.SIGINT)
    for recording in recordings:
        recording.process.wait(timeout=60)


def _short(frame: str) -> str:
    found = _FRAME.match(frame)
    if not found:
        return frame
    path = found["file"]
    for marker in ("site-packages/", "traintrack/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{found['function']} ({path})"


def top_frames(
    collapsed: Path, count: int = 25
) -> tuple[int, list[tuple[str, float, float]], list[tuple[str, float]]]:
    """(samples, the heaviest frames by the share of samples with them on the stack (and
    their share as the leaf), the hottest leaves by their share); threads waiting left out."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        n = int(samples)
        frames = [_short(f) for f in stack.split(";")]
        if frames[-1].startswith(IDLE):  # a thread waiting, which --nonblocking still sees
            continue
        total += n
        leaf[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return 0, [], []
    # A frame most samples hold (the thread's root, the event loop, the CLI) says nothing.
    telling = [(f, n) for f, n in inclusive.most_common() if n < total * 0.7]
    heaviest = [(f, n / total, leaf[f] / total) for f, n in telling[:count]]
    return total, heaviest, [(f, n / total) for f, n in leaf.most_common(count)]


def summary(recordings: list[Recording], count: int = 25) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for recording in recordings:
        if not recording.output.exists():
            error = recording.process.stderr.read().decode() if recording.process.stderr else ""
            found[recording.name] = [f"no profile: {error.strip()[:200]}"]
            continue
        total, heaviest, hottest = top_frames(recording.output, count)
        found[recording.name] = (
            [f"{total} samples; heaviest frames (on the stack / as the leaf):"]
            + [f"  {inc:6.1%} {self_:6.1%}  {frame}" for frame, inc, self_ in heaviest]
            + ["hottest leaves:"]
            + [f"  {self_:6.1%}  {frame}" for frame, self_ in hottest]
        )
    return found
