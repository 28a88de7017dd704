"""Library entry points that commands call: read a master, check it, dump it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kohyo.check.findings import Report
from kohyo.check.rules import validate_master
from kohyo.config import Config
from kohyo.model.derive import derive_total
from kohyo.model.project import Master, Project
from kohyo.read.package import PackageLimits
from kohyo.read.parse import parse_workbook
from kohyo.read.workbook import read_workbook


def package_limits(config: Config) -> PackageLimits:
    lim = config.limits
    return PackageLimits(
        max_file_bytes=lim.max_file_bytes,
        max_uncompressed_bytes=lim.max_uncompressed_bytes,
        max_members=lim.max_members,
        max_compression_ratio=lim.max_compression_ratio,
        max_cells_per_sheet=lim.max_cells_per_sheet,
        max_cells_per_file=lim.max_cells_per_file,
    )


def read_master(path: str | Path, config: Config) -> Master:
    """Read and parse *path*. Raises WorkbookError (exit 2) when it cannot be read at all."""
    # The parser skips the 総括表 by its name: its cells need not be gathered.
    grid = read_workbook(path, package_limits(config), without_cells=(config.summary.sheet_name,))
    return parse_workbook(grid.sheets, config, str(path))


def check_master(path: str | Path, config: Config) -> tuple[Master, Report]:
    master = read_master(path, config)
    return master, validate_master(master, config)


def dump_master(master: Master, config: Config) -> dict[str, Any]:
    """The contract's `dump --json` object (§5)."""
    return {
        "area": config.area.name,
        "fiscal_years": list(config.plan.fiscal_years),
        "projects": [dump_project(p, config) for p in master.projects],
    }


def dump_project(p: Project, config: Config) -> dict[str, Any]:
    costs = {
        str(y): (p.costs.amounts[y].value if y in p.costs.amounts else None)
        for y in config.plan.fiscal_years
    }
    roles: dict[str, str] = {}
    for role in p.roles:
        roles.setdefault(role.who, role.text)
    return {
        "sheet": p.sheet,
        "number": p.number,
        "name": p.name.text,
        "municipalities": p.municipalities,
        "municipalities_label": p.municipalities_label.text,
        "content": p.content.text,
        "effect": p.effect.text,
        "costs": costs,
        "total": derive_total(p.costs),
        "roles": roles,
        "indicators": [
            {"name": i.name, "current": i.current, "target": i.target} for i in p.indicators
        ],
        "notes": [n.text for n in p.notes],
    }
