"""The merge base: what each town was sent, kept in the distribution folder.

``<distribution folder>/base/<town>.json`` holds, per 個表 sent, its sheet, number, digest and
every field value (:mod:`kohyo.collect.fields`). Each digest is also in the town's signed marks,
so a base edited by hand no longer matches and is refused. A later distribution into the same
folder replaces a town's base; a return from the earlier one is then refused with that reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kohyo.collect.fields import Value, project_fields, sheet_digest, values
from kohyo.collect.marks import SentSheet
from kohyo.config import Config
from kohyo.errors import WriteError
from kohyo.files.atomic import write_atomically
from kohyo.files.names import safe_name
from kohyo.messages import t
from kohyo.model.project import Project

BASE_DIR_NAME = "base"
FORMAT = 1


@dataclass(frozen=True)
class SentProject:
    sheet: str
    number: int | None
    digest: str
    fields: dict[str, Value]


@dataclass(frozen=True)
class Base:
    path: Path
    town: str
    distribution: str
    projects: tuple[SentProject, ...]

    @property
    def folder(self) -> Path:
        """The distribution folder the base belongs to."""
        return self.path.parent.parent

    def by_sheet(self) -> dict[str, SentProject]:
        return {p.sheet: p for p in self.projects}


def sent_projects(projects: list[Project], config: Config) -> list[SentProject]:
    out = []
    for p in projects:
        fields = values(project_fields(p, config))
        out.append(SentProject(p.sheet, p.number, sheet_digest(p.sheet, fields), fields))
    return out


def sent_sheets(sent: list[SentProject]) -> list[SentSheet]:
    return [SentSheet(p.sheet, p.digest) for p in sent]


def base_path(folder: Path, town: str) -> Path:
    return folder / BASE_DIR_NAME / f"{safe_name(town)}.json"


def write_base(
    folder: Path, town: str, distribution: str, sent: list[SentProject], inputs: tuple[Path, ...]
) -> Path:
    return _write_base(folder, town, distribution, [encode_sent(p) for p in sent], inputs)


def write_bases(
    folder: Path, distribution: str, towns: dict[str, list[SentProject]], inputs: tuple[Path, ...]
) -> None:
    """Each town's base (:func:`write_base`); a 個表 sent to many towns is encoded once."""
    encoded: dict[int, str] = {}
    for town, sent in towns.items():
        entries = [encoded.get(id(p)) or encoded.setdefault(id(p), encode_sent(p)) for p in sent]
        _write_base(folder, town, distribution, entries, inputs)


def encode_sent(p: SentProject) -> str:
    """*p* as the base file holds it: its entry of ``projects``, indented to its place."""
    entry = {"sheet": p.sheet, "number": p.number, "digest": p.digest, "fields": p.fields}
    return json.dumps(entry, ensure_ascii=False, indent=1).replace("\n", "\n  ")


def _write_base(
    folder: Path, town: str, distribution: str, entries: list[str], inputs: tuple[Path, ...]
) -> Path:
    # json.dumps(doc, ensure_ascii=False, indent=1) of the whole document, its entries encoded
    # apart (json escapes line breaks inside strings: every "\n" of an entry is its layout)
    doc: dict[str, Any] = {"format": FORMAT, "town": town, "distribution": distribution,
                           "projects": []}  # fmt: skip
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if entries:
        head = text.removesuffix("[]\n}")
        text = head + "[\n  " + ",\n  ".join(entries) + "\n ]\n}"
    path = base_path(folder, town)
    data = (text + "\n").encode("utf-8")
    try:
        path.parent.mkdir(exist_ok=True)
        if not (path.is_file() and path.read_bytes() == data):
            write_atomically(path, data, inputs=inputs)
    except OSError as exc:
        raise WriteError(t("collect.base.cannot_write", path=path, reason=exc.strerror or exc),
                         path=str(path)) from exc  # fmt: skip
    return path


def find_base(
    config: Config, town: str, distribution: str, extra: tuple[Path, ...] = ()
) -> tuple[Base | None, str | None]:
    """(the base of *town* in *distribution*, None), or (None, why there is none)."""
    out = config.paths.output_dir
    folders = [
        *extra,
        out,
        *(sorted(p for p in out.iterdir() if p.is_dir()) if out.is_dir() else []),
    ]
    replaced = False
    for folder in folders:
        path = base_path(folder, town)
        if not path.is_file():
            continue
        base = load_base(path)
        if base is None:
            continue
        if base.distribution == distribution:
            return base, None
        if base.distribution[:10] == distribution[:10]:
            replaced = True
    key = "collect.base.replaced" if replaced else "collect.base.missing"
    return None, t(key, distribution=distribution, town=town)


def load_base(path: Path) -> Base | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        projects = tuple(
            SentProject(str(p["sheet"]), p["number"], str(p["digest"]), dict(p["fields"]))
            for p in doc["projects"]
        )
        return Base(path, str(doc["town"]), str(doc["distribution"]), projects)
    except (OSError, ValueError, KeyError, TypeError):
        return None
