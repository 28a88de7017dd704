"""kohyo: validate, refresh, distribute and compare the 個表 of a regional collaboration vision.

The public library API. The command line (:mod:`kohyo.cli`) is a thin layer over
these names; programs use them the same way (``docs/api.md``)::

    import kohyo

    config = kohyo.load_config("config.toml")
    master, report = kohyo.check_master("workbooks/master.xlsx", config)
    for finding in report.findings:
        print(finding.severity, finding.sheet, finding.cell, finding.message)

Names are resolved on first use (PEP 562), so ``import kohyo`` stays cheap and a
command imports only the stages it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> "module:attribute"
_API = {
    # configuration
    "Config": "kohyo.config:Config",
    "load_config": "kohyo.config:load_config",
    # errors: exit code 2 in the CLI
    "KohyoError": "kohyo.errors:KohyoError",
    "ConfigError": "kohyo.errors:ConfigError",
    "WorkbookError": "kohyo.errors:WorkbookError",
    # the domain
    "Master": "kohyo.model.project:Master",
    "Project": "kohyo.model.project:Project",
    "derive_total": "kohyo.model.derive:derive_total",
    "summary_table": "kohyo.model.derive:summary_table",
    # read and check
    "read_master": "kohyo.read.master:read_master",
    "check_master": "kohyo.read.master:check_master",
    "dump_master": "kohyo.read.master:dump_master",
    "validate_master": "kohyo.check.rules:validate_master",
    "Report": "kohyo.check.findings:Report",
    "Finding": "kohyo.check.findings:Finding",
    "write_findings_report": "kohyo.check.report:write_findings_report",
    # edit the master in place
    "plan_refresh": "kohyo.edit.refresh:plan_refresh",
    "refresh_master": "kohyo.edit.refresh:refresh_master",
    "prepare_new_project": "kohyo.edit.new:prepare_new_project",
    "apply_new_project": "kohyo.edit.new:apply_new_project",
    # distribute, compare, mail
    "distribute_master": "kohyo.distribute.build:distribute_master",
    "build_book": "kohyo.book.build:build_book",
    "compare_masters": "kohyo.overview.compare:compare_masters",
    "compare_files": "kohyo.overview.render:compare_files",
    "render_change_overview": "kohyo.overview.render:render_change_overview",
    "write_change_overview": "kohyo.overview.render:write_change_overview",
    "MailRequest": "kohyo.mail.send:MailRequest",
    # data out (pandas)
    "export_master": "kohyo.data.export:export_master",
    "history_of": "kohyo.data.history:history_of",
    "write_history": "kohyo.data.history:write_history",
    "run_mail": "kohyo.mail.send:run_mail",
    "CollectPlan": "kohyo.collect.plan:CollectPlan",
    "collect_returns": "kohyo.collect.apply:collect_returns",
    "apply_returns": "kohyo.collect.apply:apply_returns",
}

__all__ = [
    "CollectPlan",
    "Config",
    "ConfigError",
    "Finding",
    "KohyoError",
    "MailRequest",
    "Master",
    "Project",
    "Report",
    "WorkbookError",
    "__version__",
    "apply_new_project",
    "apply_returns",
    "build_book",
    "check_master",
    "collect_returns",
    "compare_files",
    "compare_masters",
    "derive_total",
    "distribute_master",
    "dump_master",
    "export_master",
    "history_of",
    "load_config",
    "plan_refresh",
    "prepare_new_project",
    "read_master",
    "refresh_master",
    "render_change_overview",
    "run_mail",
    "summary_table",
    "validate_master",
    "write_change_overview",
    "write_findings_report",
    "write_history",
]


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'kohyo' has no attribute {name!r}")
    module, attr = target.split(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors; nothing is imported at run time
    from kohyo.book.build import build_book
    from kohyo.check.findings import Finding, Report
    from kohyo.check.report import write_findings_report
    from kohyo.check.rules import validate_master
    from kohyo.collect.apply import apply_returns, collect_returns
    from kohyo.collect.plan import CollectPlan
    from kohyo.config import Config, load_config
    from kohyo.data.export import export_master
    from kohyo.data.history import history_of, write_history
    from kohyo.distribute.build import distribute_master
    from kohyo.edit.new import apply_new_project, prepare_new_project
    from kohyo.edit.refresh import plan_refresh, refresh_master
    from kohyo.errors import ConfigError, KohyoError, WorkbookError
    from kohyo.mail.send import MailRequest, run_mail
    from kohyo.model.derive import derive_total, summary_table
    from kohyo.model.project import Master, Project
    from kohyo.overview.compare import compare_masters
    from kohyo.overview.render import compare_files, render_change_overview, write_change_overview
    from kohyo.read.master import check_master, dump_master, read_master
