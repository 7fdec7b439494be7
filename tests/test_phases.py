"""A build's CPU time by phase: every phase there, nested phases charged once, sums that add up."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from conftest import write_sample_corpus

from indexer.measurements import bench
from indexer.writing import phases
from indexer.writing.build import build
from indexer.writing.phases import PhaseClock
from indexer.writing.store import IndexStore


@pytest.fixture
def ticks(monkeypatch) -> list[float]:
    """A process clock that moves only when the test says so."""
    now = [0.0]
    monkeypatch.setattr(phases.time, "process_time", lambda: now[0])
    return now


def test_nested_phases_charge_the_inner_one_only(ticks):
    clock = PhaseClock()

    def read():
        for n in range(3):
            ticks[0] += 1.0  # reading one item costs 1 s
            yield n

    def cluster(items):
        for item in items:
            ticks[0] += 0.5  # and clustering it 0.5 s more
            yield item

    items = list(clock.timed(cluster(clock.timed(read(), "read")), "cluster"))
    ticks[0] += 2.0  # outside every phase
    with clock.phase("write"):
        ticks[0] += 4.0
    assert items == [0, 1, 2]
    assert clock.totals() == {"read": 3.0, "cluster": 1.5, "write": 4.0, "other": 2.0}


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.mark.parametrize("processes", [1, 2])
def test_a_build_reports_its_cpu_time_by_phase(tmp_path: Path, processes: int):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    before = cpu_seconds()
    report = build(store, [str(corpus)], processes=processes)
    used = cpu_seconds() - before
    expected = {"read", "cluster", "entities", "analyse", "write", "commit"}
    if processes > 1:
        expected.add("hand-off")
    assert expected <= set(report.phases)
    assert set(report.phases) <= set(phases.PHASES)
    assert all(seconds >= 0 for seconds in report.phases.values())
    assert report.phases["entities"] > 0 and report.phases["write"] > 0
    total = sum(report.phases.values())
    assert total <= used + 0.05  # no time counted twice
    assert total >= 0.5 * used  # and most of it accounted for
    assert store.current().manifest()["phases"] == report.to_dict()["phases"]


def test_the_bench_prints_the_phases_of_a_build(tmp_path: Path, capsys):
    corpus = write_sample_corpus(tmp_path / "corpus")
    report = build(IndexStore(tmp_path / "index"), [str(corpus)], processes=2).to_dict()
    row = {"docs": report["documents"], "phases": report["phases"]}
    bench.print_build_phases([("engine build", row)])
    header, figures = capsys.readouterr().out.splitlines()[1:]
    assert header.split() == [*phases.PHASES, "sum"]
    assert figures.startswith("engine build")
    per_doc = [float(value) for value in figures.split()[2:]]
    assert per_doc[-1] == pytest.approx(sum(per_doc[:-1]), abs=0.1)
    assert per_doc[-1] == pytest.approx(1000 * sum(report["phases"].values()) / row["docs"],
                                        abs=0.1)
