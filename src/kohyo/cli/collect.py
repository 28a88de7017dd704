"""`kohyo collect`: the towns' returned workbooks, planned (and with --apply written) into the master."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kohyo.cli.common import common_options, emit_json, fail, guarded, json_option, resolve
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import Output, make_console
from kohyo.cli.render import print_findings, summary_line
from kohyo.collect.apply import apply_returns, collect_returns
from kohyo.collect.plan import Change, CollectPlan, field_label
from kohyo.collect.report import default_report_path, shown, write_collect_report
from kohyo.messages import t


def interactive() -> bool:
    """Whether a person can answer the question (tests replace this)."""
    return sys.stdin is not None and sys.stdin.isatty()


@click.command("collect", cls=KohyoCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--master", "master", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--apply", "apply", is_flag=True)
@click.option("--yes", "-y", is_flag=True)
@click.option("--latest", is_flag=True)
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--distribution", "distributions", multiple=True,
              type=click.Path(path_type=Path, file_okay=False))  # fmt: skip
@json_option()
@common_options
@guarded
def collect_cmd(
    paths: tuple[Path, ...], master: Path | None, apply: bool, yes: bool, latest: bool,
    report_path: Path | None, distributions: tuple[Path, ...], as_json: bool, config_path: Path,
) -> None:  # fmt: skip
    """Take the towns' returned workbooks into the master (--help: ``help.collect``)."""
    config, master_path = resolve(config_path, master)
    plan = collect_returns(list(paths), config, master=master_path, latest=latest,
                           distributions=distributions)  # fmt: skip
    console = make_console(stderr=as_json)
    if plan.report.has_errors:
        if as_json:
            emit_json({**plan.to_dict(), "findings": plan.report.to_dict()["findings"]})
        else:
            print_findings(console, plan.report, plan.ours.sheet_order, show_info=False)
            console.print(summary_line(plan.report, str(plan.master)))
            console.print(t("collect.has_errors"))
        raise click.exceptions.Exit(1)
    if apply and not as_json:
        print_plan(console, plan)
    if apply:
        if not yes and plan.proposed():
            if not interactive():
                fail(t("collect.needs_yes"), 2)
            if not click.confirm(t("collect.confirm"), default=False):
                console.print(t("collect.cancelled"))
                return
        apply_returns(plan, config)
    report = write_collect_report(plan, report_path or default_report_path(plan.master))
    if as_json:
        emit_json({**plan.to_dict(), "report": str(report)})
        raise click.exceptions.Exit(plan.exit_code)
    if not apply:
        print_plan(console, plan)
        console.print(t("collect.plan.dry"), soft_wrap=True)
    else:
        print_applied(console, plan)
    console.print(t("collect.plan.report", path=report), soft_wrap=True)
    raise click.exceptions.Exit(plan.exit_code)


def print_plan(console: Output, plan: CollectPlan) -> None:
    """Every return, then its changes grouped by project: field, sent → returned, status."""
    out = functools.partial(console.print, soft_wrap=True, markup=False)
    out(t("collect.plan.returns"))
    for o in plan.returns:
        d = o.to_dict()
        out(t("collect.plan.return_line", file=d["file"], town=d["town"] or "—",
              distribution=d["distribution"] or "—", status=t(f"collect.return.{o.status}"),
              reason=f" — {d['reason']}" if d["reason"] else ""))  # fmt: skip
        for w in o.returned.warnings:
            out(t("collect.plan.warning", message=w))
        for f in o.returned.findings:
            out(t("collect.plan.finding", sheet=f.sheet, cell=f.cell or "", message=f.message))
    groups: dict[tuple[str, str], dict[tuple[int | None, str], list[Change]]] = {}
    for c in plan.changes:
        groups.setdefault((c.town, c.source), {}).setdefault((c.number, c.sheet), []).append(c)
    for (town, source), projects in groups.items():
        out("")
        out(t("collect.plan.town", town=town, file=source))
        for (number, sheet), changes in projects.items():
            out(t("collect.plan.project", number="—" if number is None else number, sheet=sheet))
            for c in changes:
                ours = (t("collect.plan.ours", ours=shown(c.ours))
                        if c.ours != c.base and c.status != "refused" else "")  # fmt: skip
                out(t("collect.plan.change", status=t(f"collect.status.{c.status}"),
                      field=field_label(c.key), base=shown(c.base), theirs=shown(c.theirs),
                      ours=ours, reason=f" — {c.reason}" if c.reason else ""))  # fmt: skip
    out("")
    if not plan.changes:
        out(t("collect.plan.no_changes"))
    out(t("collect.plan.counts", **_counts(plan)))


def print_applied(console: Output, plan: CollectPlan) -> None:
    console.print(t("collect.plan.applied_counts", **_counts(plan)))
    if plan.backup is not None:
        console.print(t("collect.saved", path=plan.master, backup=plan.backup), soft_wrap=True)
    else:
        console.print(t("collect.nothing_written"))
    console.print(t("collect.recorded", count=plan.recorded))


def _counts(plan: CollectPlan) -> dict[str, int]:
    counts = {s: 0 for s in ("proposed", "applied", "conflict", "refused", "kept", "same")}
    for c in plan.changes:
        counts[c.status] += 1
    return counts
