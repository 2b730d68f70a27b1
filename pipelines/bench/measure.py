"""Measuring a run: wall time, CPU time and peak memory of a child process and its descendants.

Peak memory is sampled from /proc every `interval` seconds over the whole process tree, because
the spaCy parser's worker processes hold memory of their own: the sum of their resident sets is
what the machine must have. Summed RSS counts pages shared between a parent and its forked
workers once per process, so it is an upper bound; summed PSS (shared pages divided among their
sharers) is the fair figure, and both are recorded. Without /proc (not Linux) only the largest
single process's peak, from wait4, is available.

A sample costs about 10 ms of CPU (a scan of /proc, then smaps_rollup per process): at one every
half second the sampler keeps about 2% of a core busy, which shows as "others' cores".
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass
class ChildRun:
    seconds: float
    returncode: int
    cpu_seconds: float  # user + system time of the child and every descendant it waited for
    peak_rss_mb: float | None  # peak of the tree's summed RSS (None without /proc)
    peak_pss_mb: float | None  # peak of the tree's summed PSS (None without smaps_rollup)
    largest_process_rss_mb: float  # exact peak RSS of the largest single process (wait4)
    peak_processes: int  # most processes seen in the tree at once
    at_peak: list[dict[str, object]]  # each process's RSS (and PSS) when the sum peaked
    others_busy: float | None  # cores other processes on the machine kept busy meanwhile
    stdout: Path
    stderr: Path

    @property
    def cores_busy(self) -> float:
        return self.cpu_seconds / self.seconds if self.seconds > 0 else 0.0


def machine_cpu_seconds() -> float | None:
    """CPU seconds every process on the machine has used since boot (None without /proc)."""
    try:
        with open(PROC / "stat") as fh:
            fields = fh.readline().split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq: all but idle and iowait are work done.
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


@dataclass
class Span:
    wall: float  # seconds
    busy: float  # cores our process tree kept busy on average
    others: float | None  # cores other processes on the machine kept busy meanwhile


@dataclass
class CpuClock:
    """CPU seconds of this process and its reaped children (spaCy joins its workers), and of
    the whole machine, to tell our work from other people's."""

    wall: float
    cpu: float
    machine: float | None

    @classmethod
    def now(cls) -> CpuClock:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
        return cls(time.perf_counter(), cpu, machine_cpu_seconds())

    def since(self, start: CpuClock) -> Span:
        wall = self.wall - start.wall
        if wall <= 0:
            return Span(0.0, 0.0, None)
        ours = self.cpu - start.cpu
        others = None
        if self.machine is not None and start.machine is not None:
            others = max(0.0, self.machine - start.machine - ours) / wall
        return Span(wall, ours / wall, others)


def process_tree(root: int) -> list[int]:
    """root and all its living descendants, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # The command name is in parentheses and may itself contain spaces or parentheses.
        children[int(stat[stat.rfind(")") + 2 :].split()[1])].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def _kb(path: Path, field: str) -> int | None:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class TreeSampler(threading.Thread):
    """Polls the summed RSS and PSS of a process tree until stopped; keeps the peaks."""

    def __init__(self, root: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_processes = 0
        self.at_peak: list[dict[str, object]] = []  # per process, in the sample with peak RSS
        self.has_pss = (PROC / "self" / "smaps_rollup").is_file()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self) -> None:
        pids = process_tree(self.root)
        per_pid = {}
        for pid in pids:
            rss = _kb(PROC / str(pid) / "status", "VmRSS:") or 0
            pss = (_kb(PROC / str(pid) / "smaps_rollup", "Pss:") or 0) if self.has_pss else 0
            per_pid[pid] = (rss, pss)
        rss = sum(r for r, _ in per_pid.values())
        if rss > self.peak_rss_kb:
            self.at_peak = [self._describe(pid, r, p) for pid, (r, p) in per_pid.items()]
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        self.peak_pss_kb = max(self.peak_pss_kb, sum(p for _, p in per_pid.values()))
        self.peak_processes = max(self.peak_processes, len(pids))

    def _describe(self, pid: int, rss_kb: int, pss_kb: int) -> dict[str, object]:
        if pid == self.root:
            what = "main"
        else:
            try:
                argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
                root_argv = (PROC / str(self.root) / "cmdline").read_bytes().split(b"\0")
            except OSError:
                argv, root_argv = [], None
            # A forked worker keeps its parent's command line; helpers have their own.
            if argv == root_argv:
                what = "worker"
            else:
                what = " ".join(Path(a.decode(errors="replace")).name for a in argv[:2] if a)
        out: dict[str, object] = {"process": what or "?", "rss_mb": round(rss_kb / 1024)}
        if self.has_pss:
            out["pss_mb"] = round(pss_kb / 1024)
        return out

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_child(
    cmd: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_dir: Path,
    name: str,
    interval: float = 0.5,
) -> ChildRun:
    """Run cmd to completion; its output goes to log_dir/<name>.out and .err."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        machine_start = machine_cpu_seconds()
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid, interval) if PROC.is_dir() else None
        if sampler:
            sampler.start()
        try:
            # wait4, not Popen.wait: it also returns the resource usage of this child's tree.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if sampler:
                sampler.stop()
        seconds = time.perf_counter() - start
        machine_end = machine_cpu_seconds()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(
        seconds=seconds,
        returncode=proc.returncode,
        cpu_seconds=cpu,
        peak_rss_mb=sampler.peak_rss_kb / 1024 if sampler else None,
        peak_pss_mb=sampler.peak_pss_kb / 1024 if sampler and sampler.has_pss else None,
        largest_process_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        peak_processes=sampler.peak_processes if sampler else 1,
        at_peak=sampler.at_peak if sampler else [],
        others_busy=(
            max(0.0, machine_end - machine_start - cpu) / seconds
            if machine_start is not None and machine_end is not None
            else None
        ),
        stdout=out_path,
        stderr=err_path,
    )


def wait_for_quiet(
    max_wait: float, *, threshold: float = 0.25, window: float = 2.0, calm_windows: int = 3
) -> tuple[float, bool]:
    """Wait until the machine has been quiet (under `threshold` cores busy) for `calm_windows`
    windows in a row, or `max_wait` seconds have passed. Call it while we are idle ourselves:
    whatever runs then is other people's work. Returns (seconds waited, whether it is quiet)."""
    start = time.perf_counter()
    if max_wait <= 0 or machine_cpu_seconds() is None:
        return 0.0, False
    calm = 0
    while calm < calm_windows and time.perf_counter() - start < max_wait:
        before = machine_cpu_seconds()
        time.sleep(window)
        after = machine_cpu_seconds()
        if before is None or after is None:
            break
        calm = calm + 1 if (after - before) / window < threshold else 0
    return time.perf_counter() - start, calm >= calm_windows
