"""The twelve cases of issue 20 (docs/reliability.md, "Cases from the outside probe"): each
names what a hostile user did and what eventwire must do instead of hanging, stopping the
run, or reading a file outside raw/."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.defs.ingest import fetched_feed_items, raw_articles
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.errors import SourcesError, WarehouseInUse
from pipelines.ingest import read_raw_folder
from pipelines.ingest.fetch import FeedSource, FetchLimits, fetch_feeds, load_sources
from pipelines.ingest.incremental import read_raw_incremental
from pipelines.ingest.raw_files import MAX_DEPTH
from pipelines.store import DUCKDB_FILE, state_dir
from pipelines.store import state as state_module
from pipelines.store import warehouse as warehouse_module
from pipelines.store.locks import lock_path, warehouse_lock
from pipelines.store.parquet import TableFiles
from pipelines.store.state import QUARANTINE
from pipelines.store.warehouse import build_warehouse
from tests.helpers import RAW, REPO, cli_env
from tests.ingest.samples import NOW, story


def reasons(result) -> dict[str, str]:
    return {r["source_path"]: r["reason"] for r in result.errors.iter_rows(named=True)}


def good_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(story(1))
    return raw


def both_ways(raw: Path, state: Path):
    """A cold read of the folder and an incremental one (twice: the second reuses the state);
    all three must give the same tables."""
    cold = read_raw_folder(raw, now=NOW)
    first = read_raw_incremental(raw, state, now=NOW).result
    second = read_raw_incremental(raw, state, now=NOW).result
    for got in (first, second):
        assert got.articles.equals(cold.articles)
        assert got.errors.equals(cold.errors)
    return cold


# (7) raw/ is a boundary


def test_a_symlink_out_of_raw_is_refused_and_its_target_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(story(7))
    raw = good_raw(tmp_path)
    (raw / "passwd.txt").symlink_to(secret)
    (raw / "inside.txt").symlink_to(raw / "good.txt")  # a link inside raw/ is read
    meta = tmp_path / "meta.json"
    meta.write_text('{"outlet": "Leaked Outlet"}')
    (raw / "good.txt.meta.json").symlink_to(meta)  # a sidecar linked out of raw/
    result = both_ways(raw, tmp_path / "state")
    assert reasons(result) == {"passwd.txt": "outside_raw", "good.txt.meta.json": "outside_raw"}
    assert "Leaked Outlet" not in str(result.articles["outlets"].to_list())
    assert any(str(secret) in m for m in result.errors["message"])
    assert not any(story(7)[:40] in t for t in result.articles["text"].to_list())
    assert result.accounting.adds_up and result.accounting.files_failed == 2


# (8) loops, FIFOs, sockets, dangling links: a row each, never a stop


def test_links_pipes_and_sockets_each_get_a_reason_and_the_rest_is_read(tmp_path):
    raw = good_raw(tmp_path)
    (raw / "dangling.txt").symlink_to(raw / "nowhere.txt")
    (raw / "loop-a.txt").symlink_to(raw / "loop-b.txt")
    (raw / "loop-b.txt").symlink_to(raw / "loop-a.txt")
    (raw / "folder-link").symlink_to(raw)  # would be a loop if followed
    os.mkfifo(raw / "pipe.txt")  # opening it would block the run for ever
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(raw / "sock.txt"))
    (raw / ".hidden.txt").write_text(story(2))
    (raw / ".cache").mkdir()
    (raw / ".cache" / "x.txt").write_text(story(3))
    try:
        result = both_ways(raw, tmp_path / "state")
    finally:
        sock.close()
    assert reasons(result) == {
        "dangling.txt": "broken_link",
        "loop-a.txt": "broken_link",
        "loop-b.txt": "broken_link",
        "folder-link": "not_a_file",
        "pipe.txt": "not_a_file",
        "sock.txt": "not_a_file",
    }
    assert result.articles["source_path"].to_list() == ["good.txt"]
    # Hidden entries are not inputs (README): neither read nor counted as files.
    assert result.accounting.adds_up and result.accounting.files_seen == 7
    incremental = read_raw_incremental(raw, tmp_path / "state2", now=NOW)
    assert incremental.hidden == 2


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="no /dev/null")
def test_a_device_is_never_opened(tmp_path):
    raw = good_raw(tmp_path)
    (raw / "null.txt").symlink_to("/dev/null")  # outside raw/
    os.mknod(raw / "zero.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's numbers
    result = read_raw_folder(raw, now=NOW)
    assert reasons(result) == {"null.txt": "outside_raw", "zero.txt": "not_a_file"}


# (4) names that are not UTF-8


def test_a_name_that_is_not_utf8_gets_a_reason_and_the_state_is_saved(tmp_path):
    raw = good_raw(tmp_path)
    (raw / os.fsdecode(b"caf\xe9.txt")).write_text(story(4))
    (raw / os.fsdecode(b"dir\xff")).mkdir()
    (raw / os.fsdecode(b"dir\xff") / "inner.txt").write_text(story(5))
    result = both_ways(raw, tmp_path / "state")  # before: UnicodeEncodeError saving state
    assert reasons(result) == {"caf\\xe9.txt": "bad_file_name", "dir\\xff": "bad_file_name"}
    assert result.articles["source_path"].to_list() == ["good.txt"]


# (6) over-deep folders


def test_a_folder_1100_deep_is_one_row_not_a_recursion_error(tmp_path):
    raw = good_raw(tmp_path)
    chain = [raw]
    for _ in range(1100):  # one at a time: mkdir(parents=True) would recurse itself
        chain.append(chain[-1] / "d")
        chain[-1].mkdir()
    (chain[-1] / "bottom.txt").write_text(story(6))
    (raw / "d" / "shallow.txt").write_text(story(8))
    try:
        result = both_ways(raw, tmp_path / "state")
    finally:
        # pytest's own clean-up (shutil.rmtree) recurses, and would fail on this tree in
        # every later session on the machine: take it down from the bottom here.
        (chain[-1] / "bottom.txt").unlink()
        for folder in reversed(chain[2:]):
            folder.rmdir()
    too_deep = "/".join(["d"] * (MAX_DEPTH + 1))
    assert reasons(result) == {too_deep: "too_deep"}
    assert result.articles["source_path"].to_list() == ["d/shallow.txt", "good.txt"]


# (10) the size limit before any byte is read or hashed


def test_an_oversized_file_is_refused_from_its_size_alone(tmp_path, monkeypatch):
    raw = good_raw(tmp_path)
    with open(raw / "sparse.txt", "wb") as fh:
        fh.truncate(4 * 1024**3)  # 4 GB, sparse: reading or hashing it takes seconds
    opened: list[str] = []
    real_open = Path.open

    def watched_open(self, *args, **kwargs):
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", watched_open)
    real_read_bytes = Path.read_bytes

    def watched_read_bytes(self):
        opened.append(self.name)
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", watched_read_bytes)
    result = read_raw_incremental(raw, tmp_path / "state", now=NOW).result
    assert reasons(result) == {"sparse.txt": "too_large"}
    assert "4,294,967,296 bytes" in result.errors["message"][0]
    assert "sparse.txt" not in opened and "good.txt" in opened
    again = read_raw_incremental(raw, tmp_path / "state", now=NOW)  # reused: still unread
    assert again.files_reused == 2 and opened.count("sparse.txt") == 0


# (5) state that cannot be read


def test_a_damaged_state_segment_is_quarantined_and_its_work_redone(tmp_path, caplog):
    raw = good_raw(tmp_path)
    for n in range(2, 6):
        (raw / f"story-{n}.txt").write_text(story(n))
    state = tmp_path / "state"
    first = read_raw_incremental(raw, state, now=NOW).result
    (segment,) = (state / "ingest").glob("seg-*")
    records = segment / "records.parquet"
    data = bytearray(records.read_bytes())
    middle = len(data) // 3  # inside the column data; the footer at the end stays intact
    data[middle : middle + 64] = bytes(64)
    records.write_bytes(bytes(data))
    state_module._verified.clear()  # a fresh process would decode it again

    with caplog.at_level("WARNING"):
        again = read_raw_incremental(raw, state, now=NOW)
    assert again.files_read == 5 and again.files_reused == 0  # before: every run failed
    assert again.result.articles.equals(first.articles)
    (moved,) = (state / QUARANTINE).iterdir()
    assert moved.name.startswith(f"ingest-{segment.name}-")
    assert (moved / "records.parquet").read_bytes() == bytes(data)
    assert str(moved) in caplog.text and "cannot be read" in caplog.text
    assert again.quarantined == [moved]  # the asset logs each one
    assert read_raw_incremental(raw, state, now=NOW).files_reused == 5


# (1) a feed that sends one byte at a time


class Trickle(BaseHTTPRequestHandler):
    """Sends a byte every 0.2 s, in the headers (/headers) or in the body (/body)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        stream = self.wfile
        if self.path == "/body":
            stream.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<rss>")
            payload = b" " * 60
        else:
            payload = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 60
        for byte in payload:  # bounded: 12 s at most, the test's deadline is 1 s
            try:
                stream.write(bytes([byte]))
                stream.flush()
            except OSError:
                return  # the client hung up
            time.sleep(0.2)


@pytest.fixture
def trickle(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_feed_trickling_bytes_is_cut_at_the_deadline(tmp_path, trickle, where):
    limits = FetchLimits(timeout_s=1.0, per_host_delay_s=0.0)
    sources = [FeedSource("slow", f"{trickle}/{where}"), FeedSource("gone", f"{trickle[:-1]}9/x")]
    started = time.monotonic()
    reports = fetch_feeds(sources, tmp_path / "raw", limits=limits, now=NOW)
    took = time.monotonic() - started
    assert took < 4.0  # before: as long as the server kept sending (the probe: for ever)
    assert reports[0].status == "error" and "longer than 1 s" in reports[0].message
    assert reports[1].status == "error"  # the next feed was still tried


# (9) a bad entry in the sources file


def test_a_file_url_in_the_sources_file_is_reported_and_skipped(tmp_path, monkeypatch):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "feeds:\n  - {name: local, url: 'file:///etc/passwd'}\n"
        "  - {name: fine, url: 'http://127.0.0.1:9/rss'}\n"
    )
    bad: list[SourcesError] = []
    assert load_sources(sources, on_bad_entry=bad.append) == [
        FeedSource("fine", "http://127.0.0.1:9/rss")
    ]
    assert len(bad) == 1 and "feeds[0]" in str(bad[0]) and "skipped" in str(bad[0])

    raw = good_raw(tmp_path)
    settings = EventwireSettings(raw_dir=str(raw), warehouse_dir=str(tmp_path / "wh"))
    monkeypatch.setenv("EVENTWIRE_SOURCES", str(sources))
    started = time.monotonic()
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [fetched_feed_items, raw_articles],
        instance=instance,
        resources=build_resources(settings),
        run_config={"ops": {"fetched_feed_items": {"config": {"per_host_delay_s": 0.0}}}},
    )
    assert result.success and time.monotonic() - started < 30  # no retries
    [fetched] = result.asset_materializations_for_node("fetched_feed_items")
    assert fetched.metadata["entries_skipped"].value == 1
    assert fetched.metadata["feeds"].value == 1  # the good entry was tried
    articles = result.output_for_node("raw_articles", "articles")
    assert articles["source_path"].to_list() == ["good.txt"]
    logs = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any("fetched_feed_items" in m and "file:///etc/passwd" in m for m in logs)


# (12) SIGTERM, and parser workers that outlive their run


def descendants(pid: int) -> set[int]:
    """Every live process below pid, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat_line.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie is dead, only not yet reaped
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_sigterm_stops_a_run_at_once_and_no_worker_survives(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw)],
        cwd=REPO,
        env=cli_env(EVENTWIRE_WORKERS="2", EVENTWIRE_WAREHOUSE_DIR=str(warehouse)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # The supervisor, the run below it, and the run's two parser workers below that.
        wait_for(lambda: len(descendants(proc.pid)) >= 3 or proc.poll() is not None, 240, "")
        assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
        below = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        proc.wait(timeout=10)
        took = time.monotonic() - stopped
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGTERM and took < 5  # before: still running after 60 s
    assert "SIGTERM received: stopping the run" in stderr
    wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in below), 5, "a process lived on")
    assert not (warehouse / DUCKDB_FILE).exists()  # no warehouse before: none half-built
    # The locks died with their holders: the next run's ingest goes straight in.
    read_raw_incremental(raw, state_dir(warehouse), lock_timeout_s=5)


WORKER_PARENT = """
import multiprocessing, os, sys, time
from pipelines.processes import die_with_parent

def worker(parent):
    die_with_parent(parent)
    time.sleep(60)

if __name__ == "__main__":
    child = multiprocessing.get_context("spawn").Process(target=worker, args=(os.getpid(),))
    child.start()
    print(child.pid, flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_dies_with_its_parent_even_by_sigkill(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(WORKER_PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)], cwd=REPO, env=cli_env(), stdout=subprocess.PIPE
    )
    try:
        child = int(parent.stdout.readline())
        time.sleep(0.5)  # let the child reach its prctl call
        parent.kill()  # as the out-of-memory killer would: no handler runs
        parent.wait(timeout=10)
        wait_for(lambda: not _alive(child), 5, "the worker outlived its parent")
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# (2) a read-write session's WAL beside the served file


def build_events(warehouse: Path, ids: range):
    TableFiles(warehouse).write("t", pl.DataFrame({"id": list(ids)}))
    return build_warehouse(warehouse, ["t"])


def served_ids(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        con.close()


ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("DELETE FROM t WHERE id < 20")
print("deleted", flush=True)
sys.stdin.read()  # open until the test closes our stdin
con.close()
"""
DYING_WRITER = """
import os, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("DELETE FROM t WHERE id < 20")
os._exit(0)  # dies with its change in the WAL only, never checkpointed
"""


def test_a_read_write_sessions_wal_never_reaches_the_new_warehouse(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(warehouse_module, "VIEWS_DIR", tmp_path / "no-views")
    warehouse = tmp_path / "wh"
    build_events(warehouse, range(100))
    served = warehouse / DUCKDB_FILE

    # An analyst's session in another process, open read-write with a DELETE in its WAL.
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(served)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "deleted"
        assert served.with_name(served.name + ".wal").exists()
        before = served.read_bytes()
        with pytest.raises(WarehouseInUse, match="open read-write") as refused:
            build_events(warehouse, range(102))
        assert str(served) in str(refused.value) and "duckdb_warehouse" in str(refused.value)
        assert served.read_bytes() == before  # not swapped: readers keep the previous file
    finally:
        analyst.stdin.close()
        analyst.wait(timeout=30)
        analyst.stdout.close()
    assert build_events(warehouse, range(102)).rebuilt
    assert served_ids(warehouse) == 102

    # A session that died with its change only in the WAL: the log is set aside, not replayed.
    subprocess.run([sys.executable, "-c", DYING_WRITER, str(served)], check=True)
    wal = served.with_name(served.name + ".wal")
    assert wal.exists()
    with caplog.at_level("WARNING"):
        build_events(warehouse, range(103))
    assert not wal.exists() and served_ids(warehouse) == 103  # before: 83
    (moved,) = (warehouse / "state" / QUARANTINE).iterdir()
    assert moved.name.startswith(f"{wal.name}-") and str(moved) in caplog.text


# (3) two runs overlapping


def test_a_second_run_waits_for_the_whole_first_run(tmp_path):
    """The run lock is held from a run's first write to its last; a second run waits for all
    of it (here, with a 1 s timeout, it gives up) and writes nothing meanwhile."""
    raw = good_raw(tmp_path)
    warehouse = tmp_path / "wh"
    with warehouse_lock(warehouse, "run"):  # as a first run would, across all its stages
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw)],
            cwd=REPO,
            env=cli_env(EVENTWIRE_WAREHOUSE_DIR=str(warehouse), EVENTWIRE_LOCK_TIMEOUT="1"),
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 1
    assert "eventwire: the run did not start: WarehouseBusy [warehouse_busy]" in proc.stderr
    assert str(lock_path(warehouse, "run")) in proc.stderr
    assert sorted(p.name for p in warehouse.rglob("*") if p.is_file()) == ["run.lock"]
