"""Distribution: one fresh, print-ready workbook per municipality, holding only its projects.

Each workbook is built from the parsed master with XlsxWriter — never by copying
the master — as a cover sheet (:mod:`kohyo.layout.cover`) and one canonical 個表
per project the municipality takes part in (:func:`kohyo.layout.kohyo.write_kohyo_sheet`).
Each 個表 is rendered once for all towns (:mod:`kohyo.distribute.sheets`) and placed in
every town's package that holds it; only the cover and the header/footer are per town.
Every file is written under a temporary name, checked for leaks
(:mod:`kohyo.distribute.leakcheck`) and only then renamed into place, so a half-written or
leaking file never carries the final name. ``manifest.json`` in the folder lists
what was made for whom, with sha256s: the mail step trusts nothing else.

The same master on the same date gives byte-identical xlsx files (fixed document
properties; XlsxWriter fixes the zip members' dates), so a resend can be detected.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kohyo.collect.base import SentProject, sent_projects, sent_sheets, write_bases
from kohyo.collect.stamp import Stamp, open_stamp, town_marks
from kohyo.config import Config
from kohyo.distribute.leakcheck import MarkerIndex, Needles, scan_town_package
from kohyo.distribute.manifest import (
    MANIFEST_NAME,
    DistributedFile,
    TownFiles,
    check_out_folder,
    write_manifest,
)
from kohyo.distribute.sheets import SharedSheet, render_shared_sheets
from kohyo.distribute.town import (
    WORKBOOK_OPTIONS,
    Looks,
    load_looks,
    shared_members,
    with_derived_total,
    write_town_workbook,
)
from kohyo.errors import KohyoError, WriteError
from kohyo.files.atomic import check_not_input, cleanup_stale_temps, write_atomically
from kohyo.files.digest import file_digest
from kohyo.files.names import distribution_file_names, distribution_folder
from kohyo.files.pdf import convert_to_pdf, require_soffice
from kohyo.layout.kohyo import StrippedText
from kohyo.messages import t
from kohyo.model.chars import visible
from kohyo.model.project import Master, Project
from kohyo.read.normalize import nfkc

SHOWN_REMOVED_CHARS = 20
__all__ = ["MANIFEST_NAME", "DistributionResult", "TownDistribution", "distribute_master"]
# Two spawned workers cost about 0.8 s to start; one project sheet in one town's workbook costs
# about 10 ms (written and leak-checked). Measured (docs/distribute.md): 5 towns x 40 projects
# (155 sheets) ran 0.7x as fast in parallel, 8 x 50 (299) 1.2-1.4x, 30 x 100 (1,410) 1.6x.
PARALLEL_MIN_SHEETS = 250
MAX_WORKERS = 2
# 個表 rendered per XlsxWriter workbook: XlsxWriter checks a new sheet's name against every
# sheet before it (quadratic in one workbook), and chunks are what the workers share out.
RENDER_CHUNK = 200

Progress = Callable[[int, int, str], None]
"""``progress(done, total, town)``, called after each municipality's workbook is written."""


@dataclass(frozen=True)
class TownDistribution:
    town: str
    projects: tuple[int, ...]  # project numbers, in sheet order
    sheets: tuple[str, ...]  # the workbook's sheets: the cover, then one per project
    files: tuple[DistributedFile, ...]


@dataclass(frozen=True)
class StrippedCell:
    """Characters removed from one cell of one municipality's workbook."""

    town: str
    sheet: str
    cell: str
    removed: str

    def message(self) -> str:
        where = t("distribute.where", town=self.town, sheet=self.sheet, cell=self.cell)
        if len(self.removed) > SHOWN_REMOVED_CHARS:  # text past Excel's limit: never print it all
            return t(
                "distribute.stripped_many",
                where=where,
                count=len(self.removed),
                start=visible(self.removed, limit=SHOWN_REMOVED_CHARS),
            )
        return t("distribute.stripped", town=self.town, sheet=self.sheet, cell=self.cell,
                 removed=repr(self.removed))  # fmt: skip


@dataclass
class DistributionResult:
    folder: Path
    date: date
    towns: list[TownDistribution]
    manifest: Path
    stripped: list[StrippedCell] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    parallel: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "date": self.date.isoformat(),
            "manifest": str(self.manifest),
            "towns": {
                t.town: {
                    "projects": list(t.projects),
                    "sheets": list(t.sheets),
                    "files": [f.to_dict() for f in t.files],
                }
                for t in self.towns
            },
            "warnings": [s.message() for s in self.stripped] + self.notices,
        }


def projects_of(master: Master, town: str) -> list[Project]:
    """The projects *town* takes part in, in sheet order."""
    return [p for p in master.projects if town in p.municipalities]


def select_towns(config: Config, towns: list[str] | None) -> list[str]:
    """*towns* (NFKC, in config order), or every municipality; KohyoError for an unknown name."""
    known = config.area.municipalities
    if not towns:
        return list(known)
    wanted = {nfkc(t).strip() for t in towns}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise KohyoError(
            t(
                "distribute.town.unknown",
                names=t("list.separator").join(unknown),
                known=t("list.separator").join(known),
            ),
            path=str(config.path),
        )
    return [t for t in known if t in wanted]


def use_processes(n_towns: int, n_sheets: int) -> bool:
    """Whether worker processes pay off for *n_sheets* project sheets over *n_towns* workbooks."""
    return n_sheets >= PARALLEL_MIN_SHEETS and n_towns >= 2 and (os.cpu_count() or 1) >= 2


def distribute_master(
    master: Master,
    config: Config,
    *,
    towns: list[str] | None = None,
    out_dir: Path | None = None,
    pdf: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    master_sha256: str | None = None,
    parallel: bool | None = None,
    force: bool = False,
) -> DistributionResult:
    """Write each municipality's workbook (and PDF) and the folder's manifest.json.

    *master_sha256* is the digest of the master file as it was read (computed
    from ``master.path`` when omitted). *parallel* forces worker processes on or
    off (default: :func:`use_processes`); the files are identical either way. An *out_dir*
    holding files kohyo did not write is refused unless *force*; no file is ever written over
    the master or the config, whatever *force* says.
    Raises KohyoError (exit code 2) when anything cannot be written, and on a leak.
    """
    selected = select_towns(config, towns)
    issued = today or date.today()
    if pdf:
        require_soffice()  # before writing anything
    looks = load_looks(config)
    folder = distribution_folder(config, issued, out_dir)
    names = distribution_file_names(config, selected, issued, folder)
    master_path = Path(master.path).resolve()
    inputs = (master_path, config.path)
    for name in [*names.values(), *(Path(n).stem + ".pdf" for n in names.values() if pdf)]:
        check_not_input(folder / name, inputs)
    check_not_input(folder / MANIFEST_NAME, inputs)
    if out_dir is not None and not force:
        check_out_folder(folder, master_path)
    try:
        sha = master_sha256 or file_digest(master_path)
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = master_path if exc.filename == str(master_path) else folder
        raise WriteError(
            t("distribute.cannot_open", path=where, reason=exc.strerror or exc), path=str(where)
        ) from exc
    cleanup_stale_temps(folder)

    jobs = [_Job(t, folder / names[t], len(projects_of(master, t))) for t in selected]
    stamp = open_stamp(config, issued, sha)  # collect's marks and merge base
    needed = {p.sheet: p for t in selected for p in projects_of(master, t)}
    # what collect keeps of each 個表 (its fields and digest) is the same for every town
    sent = dict(zip(needed, sent_projects(list(needed.values()), config), strict=True))
    index = MarkerIndex(master)
    state = _State(master, config, looks, issued, stamp, sent, index, frozenset(index.candidates()))
    if parallel is None:
        parallel = use_processes(len(jobs), sum(j.size for j in jobs))
    built = _run(jobs, [with_derived_total(p) for p in needed.values()], state, parallel,
                 progress)  # fmt: skip

    towns_out, stripped = [], []
    for job in jobs:
        out = built[job.town]
        stripped += [StrippedCell(job.town, s.sheet, s.cell, s.removed) for s in out.stripped]
        towns_out.append(TownDistribution(job.town, out.projects, out.sheets, (out.xlsx,)))
    if pdf:
        pdfs = convert_to_pdf([j.path for j in jobs], folder)
        towns_out = [
            dataclasses.replace(t, files=(*t.files, DistributedFile.of(p, "pdf")))
            for t, p in zip(towns_out, pdfs, strict=True)
        ]
    bases = {j.town: [sent[p.sheet] for p in projects_of(master, j.town)] for j in jobs}
    write_bases(folder, stamp.distribution, bases, inputs)  # collect's merge base per town
    notices: list[str] = []
    made = {t.town: TownFiles(t.projects, t.files) for t in towns_out}
    manifest = write_manifest(folder, config, master_path, sha, issued, made, notices)
    return DistributionResult(folder, issued, towns_out, manifest, stripped, notices, parallel)


# --- one municipality's workbook ------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    town: str
    path: Path
    size: int  # project sheets in the workbook


@dataclass(frozen=True)
class _State:
    master: Master
    config: Config
    looks: Looks
    issued: date
    stamp: Stamp
    sent: dict[str, SentProject]  # by sheet name
    markers: MarkerIndex
    candidates: frozenset[str]  # every town's markers are among them


@dataclass(frozen=True)
class _Built:
    projects: tuple[int, ...]
    sheets: tuple[str, ...]
    xlsx: DistributedFile
    stripped: tuple[StrippedText, ...]


def _run(
    jobs: list[_Job],
    projects: list[Project],
    state: _State,
    parallel: bool,
    progress: Progress | None,
) -> dict[str, _Built]:
    """Render each of *projects*' 個表 once (in chunks), then build each town's workbook."""
    chunks = [projects[i : i + RENDER_CHUNK] for i in range(0, len(projects), RENDER_CHUNK)]
    built: dict[str, _Built] = {}
    if not parallel:
        shared = {k: v for c in chunks for k, v in _render(c, state).items()}
        for i, job in enumerate(jobs, 1):
            built[job.town] = _build_town(job, state, shared)
            if progress:
                progress(i, len(jobs), job.town)
        return built
    # imported here: a distribution of a real area's size starts no workers (~12 ms saved)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn everywhere: it is what Windows does, and forking a process with threads is unsafe
    context = multiprocessing.get_context("spawn")
    # What every worker needs goes through a private folder rather than the pipes: a spawned
    # worker's arguments are written before the next worker starts (the state alone made each
    # start wait for the worker's imports), and a sheet is in many towns (13 times at M = 30).
    with tempfile.TemporaryDirectory(prefix="kohyo-distribute-") as tmp:
        store = _store(Path(tmp) / "state.pickle", state)
        with ProcessPoolExecutor(MAX_WORKERS, context, _init_worker, (store,)) as pool:
            try:
                shared = {k: v for part in pool.map(_render_worker, chunks)
                          for k, v in part.items()}  # fmt: skip
                sheets = _store(Path(tmp) / "shared.pickle", shared)
                biggest_first = sorted(jobs, key=lambda j: -j.size)  # so none idles at the end
                futures = {pool.submit(_worker, job, sheets): job for job in biggest_first}
                for i, future in enumerate(as_completed(futures), 1):
                    job = futures[future]
                    built[job.town] = future.result()
                    if progress:
                        progress(i, len(jobs), job.town)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    return built


def _render(projects: list[Project], state: _State) -> dict[str, SharedSheet]:
    looks = state.looks
    return render_shared_sheets(projects, state.config, looks.sheet, looks.cover, state.issued,
                                WORKBOOK_OPTIONS, _needles(state.candidates))  # fmt: skip


@functools.lru_cache(maxsize=1)
def _needles(candidates: frozenset[str]) -> Needles:
    return Needles(candidates)  # the same for every chunk a process renders


_WORKER_STATE: _State | None = None


def _store(path: Path, value: object) -> str:
    path.write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return str(path)


def _init_worker(store: str) -> None:
    global _WORKER_STATE
    _WORKER_STATE = pickle.loads(Path(store).read_bytes())
    import logging

    # Stripped characters come back in the result; the parent reports them once.
    logging.getLogger("kohyo").addHandler(logging.NullHandler())


def _render_worker(projects: list[Project]) -> dict[str, SharedSheet]:
    assert _WORKER_STATE is not None
    return _render(projects, _WORKER_STATE)


def _worker(job: _Job, store: str) -> _Built:
    assert _WORKER_STATE is not None
    return _build_town(job, _WORKER_STATE, _load_shared(store))


@functools.lru_cache(maxsize=1)
def _load_shared(store: str) -> dict[str, SharedSheet]:
    """The shared sheets the parent stored for this run's workers (read once per worker)."""
    loaded: dict[str, SharedSheet] = pickle.loads(Path(store).read_bytes())
    return loaded


def _build_town(job: _Job, state: _State, shared: dict[str, SharedSheet]) -> _Built:
    """Write *job*'s workbook to a temp file, leak-check it, then give it its final name."""
    projects = projects_of(state.master, job.town)
    stripped: list[StrippedText] = []
    made: list[tuple[str, ...]] = []
    described: list[DistributedFile] = []

    sheets = sent_sheets([state.sent[p.sheet] for p in projects])
    marks = town_marks(state.stamp, job.town, sheets)

    def write(tmp: Path) -> None:
        made.append(
            write_town_workbook(
                tmp, job.town, projects, state.config, state.looks, state.issued, stripped,
                marks=marks, shared=shared,
            )
        )  # fmt: skip

    def verify(tmp: Path) -> None:
        # as kohyo.distribute.leakcheck.check_file, each shared sheet's piece scanned once
        markers = state.markers.markers_outside(lambda p: job.town in p.municipalities)
        placed = {name: s.piece for name, s in shared_members(projects, shared).items()}
        leaks = scan_town_package(tmp, markers, placed, state.candidates)
        if leaks:
            foreign = sorted({str(lk.project_number) for lk in leaks})
            raise KohyoError(
                t(
                    "distribute.leak",
                    file=job.path.name,
                    town=job.town,
                    numbers=(t("list.separator") + "No.").join(foreign),
                    part=leaks[0].part,
                ),
                path=str(job.path),
            )
        described.append(DistributedFile.of(tmp, "xlsx", name=job.path.name))

    try:
        write_atomically(job.path, write, verify=verify, inputs=(state.master.path,))
    except OSError as exc:  # Windows: the previous file is open in Excel
        raise WriteError(
            t("distribute.file.locked", file=job.path.name, reason=exc.strerror or exc),
            path=str(job.path),
        ) from exc
    numbers = tuple(p.number for p in projects if p.number is not None)
    return _Built(numbers, made[0], described[0], tuple(stripped))
