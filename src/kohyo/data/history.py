"""The life of every project across versions of the master (44 ⇒ 48 ⇒ 52 …).

Each consecutive pair of versions is compared by :func:`kohyo.overview.compare.compare_masters`
— the one matcher ``kohyo diff`` uses — and the pairs are chained into lineages: a
project keeps its lineage through renumbering, renaming and edits; a new project
starts one; a project that disappears ends it. pandas turns the events into the
long table (one row per lineage and version) and the wide one (one row per lineage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from kohyo.check.findings import Report
from kohyo.config import Config
from kohyo.errors import KohyoError
from kohyo.messages import t
from kohyo.model.derive import derive_total
from kohyo.model.project import Master, Project
from kohyo.overview.compare import FIELD_LABELS, ChangeOverview, ProjectChange, compare_masters
from kohyo.read.master import check_master

# event -> how the summary names it
EVENTS = {
    "initial": "初版に記載",
    "added": "新規",
    "changed": "変更",
    "merged": "統合",
    "renamed": "名称変更",
    "renumbered": "番号変更",
    "unchanged": "変更なし",
    "ended": "終了",
}

EVENT_COLUMNS = {
    "lineage": "Int64",
    "version": "Int64",
    "version_label": "string",
    "number": "Int64",
    "name": "string",
    "total": "Int64",
    "event": "string",
    "detail": "string",
}


@dataclass
class History:
    labels: list[str]
    counts: list[int]
    overviews: list[ChangeOverview]  # one per consecutive pair
    events: pd.DataFrame  # long: one row per lineage and version it is in (or ends in)
    lineages: pd.DataFrame = field(default_factory=pd.DataFrame)  # wide: one row per lineage

    def events_at(self, k: int) -> list[dict[str, object]]:
        """The lineages that did something (not merely stayed) on the way to version *k*."""
        at = self.events[(self.events["version"] == k) & (self.events["event"] != "unchanged")]
        order = at["event"].map(list(EVENTS).index)
        ordered = at.assign(_o=order).sort_values(["_o", "number"], kind="stable")
        # plain Python values for the template: <NA> becomes None
        return (
            ordered.drop(columns="_o")
            .astype(object)
            .where(ordered.notna(), None)
            .to_dict("records")
        )

    def transition_counts(self) -> list[dict[str, int]]:
        """Per transition (version k-1 -> k), how many lineages had each event."""
        out = []
        for k in range(1, len(self.labels)):
            at = self.events[self.events["version"] == k]["event"].value_counts()
            out.append({e: int(at.get(e, 0)) for e in EVENTS})
        return out


def project_history(masters: list[Master], labels: list[str], config: Config) -> History:
    """Chain the versions (oldest first) into lineages."""
    rows: list[dict[str, object]] = []
    current: dict[int, int] = {}  # id(project in the latest version) -> lineage
    lineage_count = 0
    for p in masters[0].projects:
        lineage_count += 1
        current[id(p)] = lineage_count
        rows.append(_row(lineage_count, 0, labels, p, "initial", ""))
    overviews = []
    for k in range(1, len(masters)):
        ov = compare_masters(masters[k - 1], masters[k], config)
        overviews.append(ov)
        following: dict[int, int] = {}
        for change in ov.matched:
            lineage = current[id(change.old)]
            following[id(change.new)] = lineage
            event, detail = _event(change)
            rows.append(_row(lineage, k, labels, change.new, event, detail))
        for p in ov.added:
            lineage_count += 1
            following[id(p)] = lineage_count
            rows.append(_row(lineage_count, k, labels, p, "added", ""))
        for p in ov.removed:
            rows.append({**_row(current[id(p)], k, labels, p, "ended", ""),
                         "number": None, "total": None})  # fmt: skip
        current = following
    events = pd.DataFrame(rows, columns=list(EVENT_COLUMNS)).astype(EVENT_COLUMNS)
    events = events.sort_values(["lineage", "version"], kind="stable", ignore_index=True)
    history = History(labels, [len(m.projects) for m in masters], overviews, events)
    history.lineages = _wide(events, labels)
    return history


def _row(lineage: int, k: int, labels: list[str], p: Project, event: str, detail: str) -> dict[str, object]:  # fmt: skip
    total = derive_total(p.costs)
    return {
        "lineage": lineage,
        "version": k,
        "version_label": labels[k],
        "number": p.number,
        "name": p.name.text,
        "total": total if isinstance(total, int) else None,
        "event": event,
        "detail": detail,
    }


def _event(change: ProjectChange) -> tuple[str, str]:
    if change.merged_into is not None:
        return "merged", f"NO.{change.merged_into.number} {change.merged_into.name or ''}".strip()
    if change.renamed:
        return "renamed", f"{change.old.name.text} ⇒ {change.new.name.text}"
    if change.fields:
        labels = dict.fromkeys(FIELD_LABELS[f.field] for f in change.fields)
        return "changed", "、".join(labels)
    if change.renumbered:
        return "renumbered", f"{change.old.number} ⇒ {change.new.number}"
    return "unchanged", ""


def _wide(events: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """One row per lineage: its latest name, then number, 計 and event in each version."""
    present = events[events["event"] != "ended"]
    wide = events.pivot(index="lineage", columns="version", values=["number", "total", "event"])
    wide.columns = [f"{what}@{labels[int(k)]}" for what, k in wide.columns]
    ordered = [f"{what}@{label}" for label in labels for what in ("number", "total", "event")]
    wide = wide.reindex(columns=ordered)
    latest = present.groupby("lineage").last()
    first = present.groupby("lineage")["version"].min()
    ended = events[events["event"] == "ended"].groupby("lineage")["version"].min()
    front = pd.DataFrame({
        "name": latest["name"],
        "first_version": first.map(lambda k: labels[int(k)]).astype("string"),
        "ended_in": ended.map(lambda k: labels[int(k)]).reindex(latest.index).astype("string"),
    })  # fmt: skip
    return front.join(wide).reset_index()


def version_labels(paths: list[Path]) -> list[str]:
    """A short, unique label per version: the file's stem (numbered when stems repeat)."""
    labels: list[str] = []
    for path in paths:
        label, n = path.stem, 2
        while label in labels:
            label, n = f"{path.stem}({n})", n + 1
        labels.append(label)
    return labels


def write_history(history: History, out_dir: Path, config: Config) -> list[Path]:
    """history.xlsx (sheets 推移 and 出来事), history.csv, history_events.csv, history.md."""
    from kohyo.data.export import write_file, write_tables
    from kohyo.overview.markdown import md_escape
    from kohyo.templates_lookup import template_loader

    written = write_tables([("history", history.lineages), ("history_events", history.events)],
                           out_dir, "csv")  # fmt: skip
    written += write_tables([("推移", history.lineages), ("出来事", history.events)], out_dir, "xlsx",
                            book="history")  # fmt: skip
    env = jinja2.Environment(
        loader=template_loader(config, "history"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )  # fmt: skip
    env.filters["md"] = md_escape
    text = env.get_template("summary.md.j2").render(h=history, events=EVENTS)
    md = out_dir / "history.md"
    written.append(write_file(md, lambda tmp: _write_text(tmp, text)))
    return written


@dataclass
class HistoryResult:
    """Each version's findings and, when none has errors, the history."""

    reports: list[tuple[Path, Report]]
    history: History | None = None

    @property
    def blocked(self) -> list[tuple[Path, Report]]:
        return [(p, r) for p, r in self.reports if r.has_errors]


def history_of(paths: list[Path], config: Config) -> HistoryResult:
    """Read and check every version (oldest first); chain them unless one has errors."""
    if len(paths) < 2:
        raise KohyoError(t("history.too_few"))
    checked = [check_master(p, config) for p in paths]
    result = HistoryResult([(p, r) for p, (_, r) in zip(paths, checked, strict=True)])
    if not result.blocked:
        result.history = project_history([m for m, _ in checked], version_labels(paths), config)
    return result


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
