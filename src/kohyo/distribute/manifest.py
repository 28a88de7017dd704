"""A distribution folder's manifest.json: its record types, its writer and its reader.

The manifest is the contract between distributing and mailing: which town gets
which files, the sha256 of every file as it was written, and which master (and
which state of it) the files were made from. Mailing trusts nothing in the
folder that the manifest does not name and vouch for, and re-checks what it
vouches for: the master is unchanged, each file is byte-for-byte the one
distributed, and no xlsx holds a project its town is not part of.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kohyo import __version__
from kohyo.config import Config
from kohyo.distribute.leakcheck import check_file
from kohyo.errors import KohyoError, WriteError
from kohyo.files.atomic import TEMP_PREFIX, write_atomically
from kohyo.files.digest import bytes_digest, file_digest
from kohyo.messages import t
from kohyo.model.project import Master
from kohyo.read.master import read_master
from kohyo.read.normalize import nfkc

MANIFEST_NAME = "manifest.json"
# What kohyo collect keeps in a distribution folder: the merge bases and its ledger.
COLLECT_NAMES = ("base", "collect_ledger.jsonl", "collect_ledger.jsonl.lock")
KINDS = ("xlsx", "pdf")

_SHA256 = re.compile(r"[0-9a-f]{64}")
_BAD_NAME_CHARS = set('<>:"/\\|?*')


class ManifestError(KohyoError):
    """No distribution folder, or its manifest.json is missing or malformed (exit code 2)."""


@dataclass(frozen=True)
class DistributedFile:
    name: str  # a bare file name inside the distribution folder
    kind: str  # "xlsx" or "pdf"
    sha256: str
    size: int  # the manifest's "bytes"

    @classmethod
    def of(cls, path: Path, kind: str, *, name: str | None = None) -> DistributedFile:
        """The record of the file at *path* as it is now (named *name* in the folder)."""
        data = path.read_bytes()
        return cls(name or path.name, kind, bytes_digest(data), len(data))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "sha256": self.sha256, "bytes": self.size}


@dataclass(frozen=True)
class TownFiles:
    projects: tuple[int, ...]
    files: tuple[DistributedFile, ...]


@dataclass(frozen=True)
class Manifest:
    folder: Path
    kohyo_version: str
    area: str
    date: str
    master: Path
    master_sha256: str
    towns: dict[str, TownFiles]

    def path_of(self, file: DistributedFile) -> Path:
        return self.folder / file.name


def load_manifest(folder: str | Path) -> Manifest:
    """Read and check ``folder/manifest.json``; raise ManifestError saying what is wrong."""
    folder = Path(folder)
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise ManifestError(t("manifest.no_folder", folder=folder), path=str(folder))
    if not path.is_file():
        raise ManifestError(
            t("manifest.missing", manifest=MANIFEST_NAME, folder=folder),
            path=str(path),
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, t("manifest.not_json", reason=exc)) from None
    except OSError as exc:
        raise ManifestError(
            t("manifest.unreadable", path=path, reason=exc.strerror), path=str(path)
        ) from None
    if not isinstance(raw, dict):
        raise _bad(path, t("manifest.not_object"))
    master = Path(_text(raw, "master", path))
    if not master.is_absolute():
        master = folder / master
    master_sha = _text(raw, "master_sha256", path).lower()
    if not _SHA256.fullmatch(master_sha):
        raise _bad(path, t("manifest.bad_master_sha", value=repr(master_sha)))
    towns_raw = raw.get("towns")
    if not isinstance(towns_raw, dict):
        raise _bad(path, t("manifest.no_towns"))
    towns: dict[str, TownFiles] = {}
    seen_names: dict[str, str] = {}
    for town_raw, entry in towns_raw.items():
        town = unicodedata.normalize("NFKC", town_raw).strip()
        towns[town] = _town(entry, town, path)
        for f in towns[town].files:
            if f.name in seen_names:
                raise _bad(
                    path,
                    t("manifest.file_twice", file=f.name, first=seen_names[f.name], town=town),
                )
            seen_names[f.name] = town
    day = _text(raw, "date", path)
    try:
        date.fromisoformat(day)
    except ValueError:
        raise _bad(path, t("manifest.bad_date", value=repr(day))) from None
    return Manifest(
        folder=folder.resolve(),
        kohyo_version=str(raw.get("kohyo_version", "")),
        area=_text(raw, "area", path),
        date=day,
        master=master,
        master_sha256=master_sha,
        towns=towns,
    )


def latest_distribution(config: Config) -> Path:
    """The newest folder under output_dir holding a manifest.json.

    "Newest" is by the manifest's modification time: distribute writes the
    manifest last, so its time is when that distribution was completed.
    """
    out = config.paths.output_dir
    candidates = [p for p in out.glob(f"*/{MANIFEST_NAME}") if p.is_file()] if out.is_dir() else []
    if not candidates:
        raise ManifestError(
            t("manifest.none", out=out, manifest=MANIFEST_NAME),
            path=str(out),
        )
    newest = max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.parent.name))
    return newest.parent


def read_distributed_master(config: Config, manifest: Manifest) -> Master:
    """The master the files were made from; ManifestError if it changed since the distribution."""
    path = manifest.master
    if not path.is_file():
        raise ManifestError(t("manifest.master_missing", path=path), path=str(path))
    if file_digest(path) != manifest.master_sha256:
        raise ManifestError(
            t("manifest.master_changed", path=path, date=manifest.date),
            path=str(path),
        )
    master = read_master(path, config)
    if file_digest(path) != manifest.master_sha256:  # changed while being read
        raise ManifestError(t("manifest.master_changed_now", path=path), path=str(path))
    return master


def verified_file(
    manifest: Manifest, f: DistributedFile, master: Master, town: str
) -> tuple[bytes | None, str | None]:
    """(the file's bytes, None), or (None, the problem): missing, altered, not its kind, or a leak."""
    path = manifest.path_of(f)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, t("manifest.file.missing", file=f.name)
    except OSError as exc:
        return None, t("manifest.file.unreadable", file=f.name, reason=exc.strerror)
    if len(data) != f.size or bytes_digest(data) != f.sha256:
        return (
            None,
            t("manifest.file.altered", file=f.name),
        )
    if f.kind == "pdf":
        # Made from the checked xlsx by distribute; only its hash and its kind are checked here.
        return (
            (data, None)
            if data.startswith(b"%PDF-")
            else (None, t("manifest.file.not_pdf", file=f.name))
        )
    try:
        leaks = check_file(path, master, town)
    except (zipfile.BadZipFile, OSError) as exc:
        return None, t("manifest.file.not_xlsx", file=f.name, reason=exc)
    if file_digest(path) != f.sha256:  # replaced while being checked
        return None, t("manifest.file.changed_now", file=f.name)
    if leaks:
        numbers = sorted({lk.project_number for lk in leaks}, key=lambda n: n or 0)
        return (
            None,
            t("manifest.file.leak", file=f.name, town=town, projects=project_list(numbers)),
        )
    return data, None


def project_list(numbers: list[int | None]) -> str:
    shown = [f"No.{n}" for n in numbers if n is not None]
    return t("manifest.project_list", numbers=t("list.separator").join(shown)) if shown else ""


# --- writing ----------------------------------------------------------------------------------


def write_manifest(
    folder: Path,
    config: Config,
    master_path: Path,
    master_sha: str,
    issued: date,
    made: dict[str, TownFiles],
    notices: list[str],
) -> Path:
    """Write the manifest; entries of towns not made this time are kept if from the same master."""
    path = folder / MANIFEST_NAME
    old_towns, same_master = _old_towns(path, str(master_path), master_sha, notices)
    for town, entry in old_towns.items():
        if town in made:
            _remove_stale(folder, entry, {f.name for f in made[town].files}, master_path)
    dropped = [t for t in old_towns if t not in made]
    if not same_master and dropped:
        for town in dropped:  # files of an outdated master, exactly as kohyo wrote them
            _remove_stale(folder, old_towns[town], set(), master_path)
        notices.append(
            t("distribute.manifest.dropped", manifest=MANIFEST_NAME,
              towns=t("list.separator").join(dropped))
        )  # fmt: skip
        old_towns = {}
    towns: dict[str, Any] = {}
    for town in config.area.municipalities:
        if town in made:
            towns[town] = {"projects": list(made[town].projects),
                           "files": [f.to_dict() for f in made[town].files]}  # fmt: skip
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
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    try:
        write_atomically(path, text.encode("utf-8"), inputs=(master_path, config.path))
    except OSError as exc:
        raise WriteError(
            t("distribute.cannot_write", path=path, reason=exc.strerror or exc), path=str(path)
        ) from exc
    return path


def check_out_folder(folder: Path, master_path: Path) -> None:
    """Refuse (KohyoError) an output folder holding files kohyo did not write there.

    Kohyo's own are the manifest, the files it lists, and kohyo's temp files; a manifest
    from a distribution of another master makes the whole folder someone else's.
    """
    try:
        entries = [p.name for p in folder.iterdir()]
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(
            t("distribute.out_unreadable", folder=folder, reason=exc.strerror or exc),
            path=str(folder),
        ) from exc
    listed: set[str] = set()
    if MANIFEST_NAME in entries:
        try:
            doc = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            doc = None
        other = doc.get("master") if isinstance(doc, dict) else None
        if other != str(master_path):
            raise KohyoError(
                t("distribute.out_other_run", folder=folder, other=other or MANIFEST_NAME),
                path=str(folder),
            )
        for entry in (
            (doc.get("towns") or {}).values() if isinstance(doc.get("towns"), dict) else []
        ):
            for f in entry.get("files", []) if isinstance(entry, dict) else []:
                if isinstance(f, dict) and isinstance(f.get("name"), str):
                    listed.add(f["name"])
    foreign = sorted(
        n
        for n in entries
        if n != MANIFEST_NAME
        and n not in listed
        and n not in COLLECT_NAMES
        and not n.startswith(TEMP_PREFIX)
    )
    if foreign:
        names = t("list.separator").join(foreign[:3]) + (
            t("distribute.out_more", count=len(foreign) - 3) if len(foreign) > 3 else ""
        )
        raise KohyoError(t("distribute.out_not_ours", folder=folder, names=names), path=str(folder))


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
        notices.append(t("distribute.manifest.remade", name=path.name))
        return {}, True
    towns = old.get("towns") if isinstance(old, dict) else None
    if not isinstance(towns, dict):
        return {}, True
    same = old.get("master") == master and old.get("master_sha256") == master_sha
    return {nfkc(t): e for t, e in towns.items() if isinstance(e, dict)}, same


# --- reading (checks) -------------------------------------------------------------------------


def _town(entry: Any, town: str, path: Path) -> TownFiles:
    if not isinstance(entry, dict):
        raise _bad(path, t("manifest.town.not_object", town=town))
    projects = entry.get("projects", [])
    if not isinstance(projects, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in projects
    ):
        raise _bad(path, t("manifest.town.bad_projects", town=town, value=repr(projects)))
    files_raw = entry.get("files")
    if not isinstance(files_raw, list):
        raise _bad(path, t("manifest.town.no_files", town=town))
    return TownFiles(tuple(projects), tuple(_file(f, town, path) for f in files_raw))


def _file(raw: Any, town: str, path: Path) -> DistributedFile:
    where = f"towns.{town}.files"
    if not isinstance(raw, dict):
        raise _bad(path, t("manifest.file.not_object", where=where))
    name = raw.get("name")
    kind = raw.get("kind")
    sha = raw.get("sha256")
    size = raw.get("bytes")
    if not isinstance(name, str) or not _plain_file_name(name):
        raise _bad(path, t("manifest.file.bad_name", where=where, value=repr(name)))
    if kind not in KINDS or not name.lower().endswith(f".{kind}"):
        raise _bad(path, t("manifest.file.bad_kind", file=name, value=repr(kind)))
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha.lower()):
        raise _bad(path, t("manifest.file.bad_sha", file=name, value=repr(sha)))
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _bad(path, t("manifest.file.bad_size", file=name, value=repr(size)))
    return DistributedFile(name=name, kind=kind, sha256=sha.lower(), size=size)


def _plain_file_name(name: str) -> bool:
    """A bare name in the folder: no path parts, no characters Windows forbids, no controls."""
    return (
        bool(name.strip())
        and name not in (".", "..")
        and not set(name) & _BAD_NAME_CHARS
        and all(ch.isprintable() for ch in name)
    )


def _text(raw: dict[str, Any], key: str, path: Path) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(path, t("manifest.key_missing", key=key))
    return value


def _bad(path: Path, problem: str) -> ManifestError:
    return ManifestError(
        t("manifest.bad", manifest=MANIFEST_NAME, path=path, problem=problem),
        path=str(path),
    )
