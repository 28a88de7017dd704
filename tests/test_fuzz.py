"""Seeded mutation fuzzing of the commands that read a master (hardening issue).

Seed files: the sample master, a master openpyxl writes (tests/builders.py) and one
XlsxWriter writes (tests/fidelity/build_corpus.py). Each mutant (tests/fuzz.py) goes through
`validate`, `dump --json` and `refresh --no-distribute` in-process; every run must end 0, 1
or 2, with a specific message, never the generic 「予期しないエラー」, inside a time cap.
A few are also run as a subprocess, for peak memory and wall time.

A mutant that breaks something is written to tests/regressions/ (commit it: the replay test
below runs every file there). ``KOHYO_FUZZ_N`` sets how many mutants the default run makes;
the ``slow`` run (``pytest -m slow`` or ``KOHYO_SLOW=1``) makes ``KOHYO_FUZZ_SLOW_N`` (3,000),
from the word ``KOHYO_FUZZ_SEED`` ("slow"; any other word gives other mutants).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import fuzz
import hostile
from builders import project, write_master
from conftest import CliResult, SampleBuild
from fidelity.build_corpus import build_xlsxwriter
from kohyo.config import Config
from kohyo.messages import CATALOGUE

UNEXPECTED = CATALOGUE["cli.unexpected"][0].split("{")[0]
REGRESSIONS = Path(__file__).with_name("regressions")
TIME_CAP_S = 30.0  # per command on one mutant of a small file (the machine may be shared)
RSS_CAP_MB = 500
DEFAULT_N = int(os.environ.get("KOHYO_FUZZ_N", "400"))
SLOW_N = int(os.environ.get("KOHYO_FUZZ_SLOW_N", "3000"))
SLOW_SEED = os.environ.get("KOHYO_FUZZ_SEED", "slow")  # another word, other mutants


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes


@pytest.fixture(scope="session")
def fuzz_seeds(sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory) -> list[Seed]:
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    openpyxl_master = folder / "openpyxl.xlsx"
    write_master(
        openpyxl_master, [project(), project(5, "第二の事業", costs=[1, "△2", "—", 3, None])]
    )
    xlsxwriter_master = build_xlsxwriter(folder)
    return [
        Seed("sample", sample_build.master.read_bytes()),
        Seed("openpyxl", openpyxl_master.read_bytes()),
        Seed("xlsxwriter", xlsxwriter_master.read_bytes()),
    ]


COMMANDS = [("validate",), ("dump", "--json"), ("refresh", "--no-distribute")]


def problems_of(result: CliResult, elapsed: float) -> list[str]:
    """What is wrong with one run: [] when it ended as the contract says."""
    out = []
    if result.exception is not None:
        out.append(f"exception {type(result.exception).__name__}: {result.exception}")
    if result.exit_code not in (0, 1, 2):
        out.append(f"exit {result.exit_code}")
    if UNEXPECTED in result.output:
        out.append(f"generic message: {result.stderr.strip()[:200]}")
    if result.exit_code == 2 and not result.stderr.startswith("エラー: "):
        out.append(f"exit 2 without a message: {result.stderr[:200]!r}")
    if elapsed > TIME_CAP_S:
        out.append(f"took {elapsed:.1f} s")
    return out


def run_commands(
    cli_run: Callable[..., CliResult], path: Path, config: Config
) -> dict[str, list[str]]:
    """Problems per command; refresh runs on a copy, which it may rewrite."""
    found: dict[str, list[str]] = {}
    for cmd in COMMANDS:
        target = path
        if cmd[0] == "refresh":
            target = path.with_name("refresh-" + path.name)
            shutil.copy(path, target)
        start = time.perf_counter()
        result = cli_run(*cmd, target, "--config", config.path)
        problems = problems_of(result, time.perf_counter() - start)
        if problems:
            found[" ".join(cmd)] = problems
    return found


def keep_regression(data: bytes, name: str) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    path = REGRESSIONS / f"{name}.xlsx"
    path.write_bytes(data)
    return path


def fuzz_run(
    n: int, seeds: list[Seed], cli_run: Callable[..., CliResult], config: Config, tmp_path: Path
) -> list[tuple[str, bytes]]:
    """Make *n* mutants (round robin over the seeds) and run them; returns (id, data) of a few
    for the subprocess sample. Fails listing every mutant that broke something."""
    failures = []
    sample: list[tuple[str, bytes]] = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        mutant_id = f"fuzz-{seed.name}-{i}"
        data, label = fuzz.mutant(seed.data, random.Random(mutant_id))
        path = tmp_path / f"{mutant_id}.xlsx"
        path.write_bytes(data)
        found = run_commands(cli_run, path, config)
        if found:
            kept = keep_regression(data, mutant_id)
            failures.append(f"{mutant_id} ({label}) -> {kept.name}: {found}")
        elif i % 80 == 7:
            sample.append((mutant_id, data))
        path.unlink()
        path.with_name("refresh-" + path.name).unlink(missing_ok=True)
    assert not failures, "\n".join(failures)
    return sample


def run_subprocess(path: Path, config: Config, tmp_path: Path) -> tuple[int, str, float, float]:
    out = tmp_path / "rss.txt"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("rss_run.py")),
         "refresh", "--no-distribute", str(path), "--config", str(config.path)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "KOHYO_RSS_OUT": str(out), "KOHYO_LANG": "ja"},
    )  # fmt: skip
    return proc.returncode, proc.stderr, time.perf_counter() - start, float(out.read_text())


def test_fuzz_commands(
    fuzz_seeds: list[Seed],
    cli_run: Callable[..., CliResult],
    tmp_area_config: Config,
    tmp_path: Path,
) -> None:
    sample = fuzz_run(DEFAULT_N, fuzz_seeds, cli_run, tmp_area_config, tmp_path)
    assert sample
    for mutant_id, data in sample[:3]:
        path = tmp_path / f"{mutant_id}.xlsx"
        path.write_bytes(data)
        code, stderr, elapsed, peak = run_subprocess(path, tmp_area_config, tmp_path)
        assert code in (0, 1, 2), stderr
        assert UNEXPECTED not in stderr
        assert elapsed < TIME_CAP_S, f"{mutant_id}: {elapsed:.1f} s"
        assert peak < RSS_CAP_MB, f"{mutant_id}: peak RSS {peak:.0f} MB"


@pytest.mark.slow
def test_fuzz_commands_thousands(
    fuzz_seeds: list[Seed],
    cli_run: Callable[..., CliResult],
    tmp_area_config: Config,
    tmp_path: Path,
) -> None:
    """The same with other seeds for the random choices: ``fuzz-slow-…`` mutant ids."""
    seeds = [Seed(f"{SLOW_SEED}-{s.name}", s.data) for s in fuzz_seeds]
    fuzz_run(SLOW_N, seeds, cli_run, tmp_area_config, tmp_path)


def test_mutants_are_reproducible(fuzz_seeds: list[Seed]) -> None:
    seed = fuzz_seeds[0]
    a = fuzz.mutant(seed.data, random.Random("fuzz-sample-3"))
    b = fuzz.mutant(seed.data, random.Random("fuzz-sample-3"))
    assert a == b
    labels = {fuzz.mutant(seed.data, random.Random(f"x{i}"))[1].split(" ")[0] for i in range(60)}
    assert len(labels) >= 8, labels  # the mutations are varied


def test_a_broken_run_is_reported(tmp_path: Path) -> None:
    """The oracle itself: the generic message, an odd exit code or a slow run are problems."""
    ok = CliResult(1, "findings", "", None)
    assert problems_of(ok, 0.1) == []
    generic = CliResult(2, "", "エラー: " + CATALOGUE["cli.unexpected"][0].format(where=""), None)
    assert problems_of(generic, 0.1)
    assert problems_of(CliResult(3, "", "", None), 0.1)
    assert problems_of(CliResult(2, "", "Traceback", None), 0.1)
    assert problems_of(ok, TIME_CAP_S + 1)


REGRESSION_FILES = sorted(REGRESSIONS.glob("*.xlsx"))


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=[p.stem for p in REGRESSION_FILES])
def test_regression_files(
    path: Path, cli_run: Callable[..., CliResult], tmp_area_config: Config, tmp_path: Path
) -> None:
    """Inputs that once broke a command (found by the probe or the fuzzer) stay handled."""
    copy = Path(shutil.copy(path, tmp_path / path.name))
    assert run_commands(cli_run, copy, tmp_area_config) == {}


def test_there_are_regression_files() -> None:
    assert len(REGRESSION_FILES) >= 10


def _set_inline_text(xml: bytes, ref: str, text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "surrogatepass")
    cell = b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), escaped)
    return re.sub(
        rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)',
        lambda _: cell,
        xml,
        count=1,
        flags=re.S,
    )


@pytest.mark.slow
def test_every_cell_of_a_kohyo_takes_every_hostile_value(
    sample_build: SampleBuild,
    cli_run: Callable[..., CliResult],
    tmp_area_config: Config,
    tmp_path: Path,
) -> None:
    """Each cell of the sample's first 個表 in turn holds each hostile number and text."""
    sheet = "xl/worksheets/sheet2.xml"
    members = hostile.read_members(sample_build.master)
    xml = dict(members)[sheet]
    refs = [r.decode() for r in re.findall(rb'<c r="([A-Z]+[0-9]+)"', xml)]
    edits: list[tuple[str, Callable[[bytes], bytes]]] = []
    for ref in refs:
        for value in fuzz.NUMBERS:
            edits.append(
                (f"{ref}={value[:8]!r}", lambda x, r=ref, v=value: hostile.set_cell_value(x, r, v))
            )
        for text in fuzz.TEXTS:
            edits.append(
                (f"{ref}={text[:8]!r}", lambda x, r=ref, s=text: _set_inline_text(x, r, s))
            )
    failures = []
    for i, (label, edit) in enumerate(edits):
        data = [(n, edit(d) if n == sheet else d) for n, d in members]
        path = hostile.write_members(tmp_path / f"cell-{i}.xlsx", data)
        found = run_commands(cli_run, path, tmp_area_config)
        if found:
            kept = keep_regression(path.read_bytes(), f"cells-{i}")
            failures.append(f"{label} -> {kept.name}: {found}")
        path.unlink()
    assert not failures, "\n".join(failures[:20])
