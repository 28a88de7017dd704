"""Distribution: one fresh, print-ready workbook per municipality, holding only its projects.

Each workbook is built from the parsed master with XlsxWriter — never by copying
the master — as a cover sheet (:mod:`kohyo.layout.cover`) and one canonical 個表
per project the municipality takes part in (:func:`kohyo.layout.kohyo.write_kohyo_sheet`).
Every file is written under a temporary name, checked for leaks
(:mod:`kohyo.distribute.leakcheck`) and only then renamed into place, so a half-written or
leaking file never carries the final name. ``manifest.json`` in the folder lists
what was made for whom, with sha256s: the mail step trusts nothing else.

The same master on the same date gives byte-identical xlsx files (fixed document
properties; XlsxWriter fixes the zip members' dates), so a resend can be detected.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kohyo import __version__
from kohyo.config import Config
from kohyo.distribute.leakcheck import check_file
from kohyo.distribute.town import Looks, load_looks, write_town_workbook
from kohyo.errors import KohyoError, WriteError
from kohyo.files.atomic import cleanup_stale_temps, file_digest, publish_file
from kohyo.files.names import distribution_file_names, distribution_folder
from kohyo.files.pdf import convert_to_pdf, require_soffice
from kohyo.layout.kohyo import StrippedText
from kohyo.messages import t
from kohyo.model.chars import visible
from kohyo.model.project import Master, Project
from kohyo.read.normalize import nfkc

MANIFEST_NAME = "manifest.json"
SHOWN_REMOVED_CHARS = 20
# Two spawned workers cost about 0.8 s to start; one project sheet in one town's workbook costs
# about 10 ms (written and leak-checked). Measured (docs/distribute.md): 5 towns x 40 projects
# (155 sheets) ran 0.7x as fast in parallel, 8 x 50 (299) 1.2-1.4x, 30 x 100 (1,410) 1.6x.
PARALLEL_MIN_SHEETS = 250
MAX_WORKERS = 2

Progress = Callable[[int, int, str], None]
"""``progress(done, total, town)``, called after each municipality's workbook is written."""


@dataclass(frozen=True)
class DistributedFile:
    name: str
    kind: str  # "xlsx" or "pdf"
    sha256: str
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "sha256": self.sha256, "bytes": self.bytes}


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
        where = f"{self.town} のシート「{self.sheet}」{self.cell}"
        if len(self.removed) > SHOWN_REMOVED_CHARS:  # text past Excel's limit: never print it all
            return t(
                "distribute.stripped_many",
                where=where,
                count=len(self.removed),
                start=visible(self.removed, limit=SHOWN_REMOVED_CHARS),
            )
        return f"{where} から使えない文字 {self.removed!r} を取り除きました"


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
            f"設定ファイルにない市町村です: {'、'.join(unknown)}"
            f"（指定できるのは {'、'.join(known)}）",
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
) -> DistributionResult:
    """Write each municipality's workbook (and PDF) and the folder's manifest.json.

    *master_sha256* is the digest of the master file as it was read (computed
    from ``master.path`` when omitted). *parallel* forces worker processes on or
    off (default: :func:`use_processes`); the files are identical either way.
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
    try:
        sha = master_sha256 or file_digest(master_path)
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = master_path if exc.filename == str(master_path) else folder
        raise WriteError(f"{where} を開けません（{exc.strerror or exc}）", path=str(where)) from exc
    cleanup_stale_temps(folder)

    jobs = [_Job(t, folder / names[t], len(projects_of(master, t))) for t in selected]
    state = _State(master, config, looks, issued)
    if parallel is None:
        parallel = use_processes(len(jobs), sum(j.size for j in jobs))
    built = _run(jobs, state, parallel, progress)

    towns_out, stripped = [], []
    for job in jobs:
        out = built[job.town]
        stripped += [StrippedCell(job.town, s.sheet, s.cell, s.removed) for s in out.stripped]
        towns_out.append(TownDistribution(job.town, out.projects, out.sheets, (out.xlsx,)))
    if pdf:
        pdfs = convert_to_pdf([j.path for j in jobs], folder)
        towns_out = [
            dataclasses.replace(t, files=(*t.files, _described(p, "pdf")))
            for t, p in zip(towns_out, pdfs, strict=True)
        ]
    notices: list[str] = []
    manifest = _write_manifest(folder, config, master_path, sha, issued, towns_out, notices)
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


@dataclass(frozen=True)
class _Built:
    projects: tuple[int, ...]
    sheets: tuple[str, ...]
    xlsx: DistributedFile
    stripped: tuple[StrippedText, ...]


def _run(
    jobs: list[_Job], state: _State, parallel: bool, progress: Progress | None
) -> dict[str, _Built]:
    built: dict[str, _Built] = {}
    if not parallel:
        for i, job in enumerate(jobs, 1):
            built[job.town] = _build_town(job, state)
            if progress:
                progress(i, len(jobs), job.town)
        return built
    # spawn everywhere: it is what Windows does, and forking a process with threads is unsafe
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(MAX_WORKERS, context, _init_worker, (state,)) as pool:
        biggest_first = sorted(jobs, key=lambda j: -j.size)  # so no worker idles at the end
        futures = {pool.submit(_worker, job): job for job in biggest_first}
        try:
            for i, future in enumerate(as_completed(futures), 1):
                job = futures[future]
                built[job.town] = future.result()
                if progress:
                    progress(i, len(jobs), job.town)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return built


_WORKER_STATE: _State | None = None


def _init_worker(state: _State) -> None:
    global _WORKER_STATE
    _WORKER_STATE = state
    # Stripped characters come back in the result; the parent reports them once.
    logging.getLogger("kohyo").addHandler(logging.NullHandler())


def _worker(job: _Job) -> _Built:
    assert _WORKER_STATE is not None
    return _build_town(job, _WORKER_STATE)


def _build_town(job: _Job, state: _State) -> _Built:
    """Write *job*'s workbook to a temp file, leak-check it, then give it its final name."""
    projects = projects_of(state.master, job.town)
    stripped: list[StrippedText] = []
    sheets: tuple[str, ...] = ()
    described: list[DistributedFile] = []

    def write(tmp: Path) -> None:
        nonlocal sheets
        sheets = write_town_workbook(
            tmp, job.town, projects, state.config, state.looks, state.issued, stripped
        )

    def check(tmp: Path) -> None:
        leaks = check_file(tmp, state.master, job.town)
        if leaks:
            foreign = sorted({str(lk.project_number) for lk in leaks})
            raise KohyoError(
                f"{job.path.name} に {job.town} が関係しない事業（No.{'、No.'.join(foreign)}）の"
                f"内容が含まれていました（{leaks[0].part}）。kohyo の不具合です。"
                "このファイルは削除しました。配布しないでください。",
                path=str(job.path),
            )
        described.append(_described(tmp, "xlsx", name=job.path.name))

    publish_file(job.path, write, check=check)
    numbers = tuple(p.number for p in projects if p.number is not None)
    return _Built(numbers, sheets, described[0], tuple(stripped))


def _described(path: Path, kind: str, *, name: str | None = None) -> DistributedFile:
    data = path.read_bytes()
    return DistributedFile(name or path.name, kind, hashlib.sha256(data).hexdigest(), len(data))


# --- manifest.json --------------------------------------------------------------------------


def _write_manifest(
    folder: Path,
    config: Config,
    master_path: Path,
    master_sha: str,
    issued: date,
    made: list[TownDistribution],
    notices: list[str],
) -> Path:
    """Write the manifest; entries of towns not made this time are kept if from the same master."""
    path = folder / MANIFEST_NAME
    old_towns, same_master = _old_towns(path, str(master_path), master_sha, notices)
    new = {t.town: t for t in made}
    for town, entry in old_towns.items():
        if town in new:
            _remove_stale(folder, entry, {f.name for f in new[town].files}, master_path)
    dropped = [t for t in old_towns if t not in new]
    if not same_master and dropped:
        notices.append(
            f"このフォルダーの {MANIFEST_NAME} は別のマスター（または変更前のマスター）から"
            f"作られていたため、今回作らなかった {'、'.join(dropped)} の記載を外しました。"
            "必要なら --town で作り直してください"
        )
        old_towns = {}
    towns: dict[str, Any] = {}
    for town in config.area.municipalities:
        if town in new:
            towns[town] = {"projects": list(new[town].projects),
                           "files": [f.to_dict() for f in new[town].files]}  # fmt: skip
        elif town in old_towns:
            towns[town] = old_towns[town]
    doc = {
        "kohyo_version": __version__,
        "area": config.area.name,
        "date": issued.isoformat(),
        "master": str(master_path),
        "master_sha256": master_sha,
        "towns": towns,
    }
    write_json(path, doc)
    return path


def write_json(path: Path, doc: Any) -> None:
    """*doc* as UTF-8 JSON in *path*, published whole (:func:`kohyo.files.atomic.publish_file`)."""
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    try:
        publish_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        raise WriteError(
            f"{path} を書き込めませんでした（{exc.strerror or exc}）", path=str(path)
        ) from exc


def _remove_stale(folder: Path, entry: dict[str, Any], keep: set[str], master: Path) -> None:
    """Remove files a re-made town had before (a PDF not made again, an older date) — but only
    files exactly as kohyo wrote them (the old manifest's sha256), and never the master."""
    for f in entry.get("files", []):
        name, sha = (f.get("name"), f.get("sha256")) if isinstance(f, dict) else (None, None)
        if not isinstance(name, str) or name in keep or Path(name).name != name:
            continue
        path = folder / name
        with contextlib.suppress(OSError):
            if path.resolve() != master and file_digest(path) == sha:
                path.unlink()


def _old_towns(
    path: Path, master: str, master_sha: str, notices: list[str]
) -> tuple[dict[str, Any], bool]:
    """An existing manifest's town entries, and whether it was made from this very master."""
    try:
        old = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return {}, True
    except (OSError, ValueError):
        notices.append(f"{path.name} を読めなかったため、新しく作り直しました")
        return {}, True
    towns = old.get("towns") if isinstance(old, dict) else None
    if not isinstance(towns, dict):
        return {}, True
    same = old.get("master") == master and old.get("master_sha256") == master_sha
    return {nfkc(t): e for t, e in towns.items() if isinstance(e, dict)}, same
