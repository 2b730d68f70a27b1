"""The error vocabulary (pipelines/errors.py) decides what a failed step does, and the fault
points (pipelines/faults.py) are one registry that refuses a name it does not know."""

from __future__ import annotations

import re

import dagster as dg
import duckdb
import pytest

from pipelines import errors
from pipelines.defs.policies import classified_failures
from pipelines.faults import ENV, FaultPoint, fault_point
from tests.helpers import REPO


@pytest.mark.parametrize("env", [None, "link:events"])
def test_an_unknown_fault_point_raises_at_once(monkeypatch, env):
    if env is None:
        monkeypatch.delenv(ENV, raising=False)
    else:
        monkeypatch.setenv(ENV, env)
    with pytest.raises(ValueError, match=r"unknown fault point 'lnik'; known: .*link"):
        fault_point("lnik", "events")


def test_a_misspelt_point_in_eventwire_fault_raises_instead_of_never_firing(monkeypatch):
    monkeypatch.setenv(ENV, "duckdb.swaped@1")
    with pytest.raises(ValueError, match=f"{ENV}: unknown fault point 'duckdb.swaped'"):
        fault_point(FaultPoint.DUCKDB_BUILT)


def test_a_known_point_that_is_not_the_target_does_nothing(monkeypatch):
    monkeypatch.setenv(ENV, "link:events")
    fault_point(FaultPoint.LINK, "claims")  # same point, other detail: no kill
    fault_point("duckdb.built")


def test_every_fault_point_in_the_code_is_registered_and_none_in_pure_code():
    # Calls name their point by the registry's member, never by a string that could be misspelt;
    # the incremental engine passes the member its stage was declared with.
    code = {
        path: path.read_text()
        for path in (REPO / "pipelines").rglob("*.py")
        if path.name != "faults.py"
    }
    arguments = [a for text in code.values() for a in re.findall(r"fault_point\(\s*([^,)]+)", text)]
    assert arguments, "no fault point found: the pattern is out of date"
    assert all(a.startswith(("FaultPoint.", "self.stage.")) for a in arguments), arguments
    used = {m for text in code.values() for m in re.findall(r"FaultPoint\.([A-Z_]+)", text)}
    assert used == {p.name for p in FaultPoint}, "a registered point that no code reaches"
    # Table models and the linking rules are plain functions of their input.
    for folder in (REPO / "schemas", REPO / "pipelines" / "link"):
        for path in folder.rglob("*.py"):
            assert "fault_point" not in path.read_text(), path


@pytest.mark.parametrize(
    "err",
    [
        errors.LexiconError("triggers.yaml: verbs[3]: expected a list"),
        errors.ModelNotInstalled("spaCy model 'xx' is not installed"),
        errors.StorageError(28, "/w/parquet/events/part-0.parquet"),
        errors.TableValidationError("events", ["column 'quad_class': check isin failed"]),
        errors.SourcesError("sources.yaml: feeds[0]: not an http or https URL"),
    ],
)
def test_a_deterministic_error_fails_the_step_without_retries(err):
    with pytest.raises(dg.Failure) as failure, classified_failures(retries=3, wait_s=1.0):
        raise err
    assert failure.value.allow_retries is False
    assert failure.value.description.startswith(f"{type(err).__name__} [{err.code}]: {err}")
    assert err.what_to_do.lower() in failure.value.description.lower()


def test_a_busy_warehouse_is_retried_after_a_wait():
    with pytest.raises(dg.RetryRequested) as retry, classified_failures(retries=3, wait_s=7.0):
        raise errors.WarehouseBusy("another eventwire run has held the lock")
    assert (retry.value.max_retries, retry.value.seconds_to_wait) == (3, 7.0)


def test_other_errors_are_left_to_the_retry_policy():
    for err in (errors.FetchError("timed out"), OSError("network share gone")):
        with pytest.raises(type(err)), classified_failures(retries=3, wait_s=1.0):
            raise err
    with pytest.raises(dg.Failure), classified_failures(retries=3, wait_s=1.0):
        raise duckdb.ParserException("syntax error at or near SELEC")


def test_codes_are_unique_and_every_error_says_what_to_do():
    coded = [cls for cls in errors.ALL_ERRORS if cls is not errors.IngestError]
    codes = [cls.code for cls in coded]
    assert len(set(codes)) == len(codes)
    assert all(cls.what_to_do for cls in errors.ALL_ERRORS)
    # Every class defined in the module is listed.
    defined = {
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, errors.EventwireError)
    }
    assert defined - {errors.EventwireError} == set(errors.ALL_ERRORS)


def test_an_ingest_error_is_coded_by_its_reason_from_the_data_contract():
    err = errors.IngestError("too_large", "over the 20 MB limit")
    assert (err.code, str(err)) == ("too_large", "too_large: over the 20 MB limit")
    with pytest.raises(ValueError, match="unknown ingest reason code 'too_big'"):
        errors.IngestError("too_big", "")


def test_errors_keep_their_builtin_bases():
    assert issubclass(errors.StorageError, OSError)
    assert issubclass(errors.LexiconError, ValueError)
    assert issubclass(errors.WarehouseBusy, RuntimeError)
    assert errors.StorageError(28, "/x").errno == 28
