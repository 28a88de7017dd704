"""The domain model: one 個表 (project sheet) and its parts.

Plain dataclasses with no spreadsheet-library types. Every value read from a
workbook keeps the A1 address it came from (``cell``) so that findings can
point at it and the refresh can write back to exactly that place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

DASH = "—"
"""The canonical "none / not set" mark (contract §3)."""

Amount = int | str | None
"""A cost as the domain sees it: an integer (千円), ``DASH``, or ``None`` for blank."""


def amount_text(value: Amount) -> str:
    """*value* as a cell shows it: ``1,234``, ``—``, or ``""`` for blank."""
    return f"{value:,}" if isinstance(value, int) else (value or "")


class CellKind(Enum):
    """How a cost cell's content was interpreted."""

    NUMBER = "number"
    NUMBER_AS_TEXT = "number-as-text"  # a number typed as text: counts, but warn
    DASH = "dash"
    BLANK = "blank"
    INVALID = "invalid"  # text that is neither a number nor a dash (e.g. 約200)
    NOT_INTEGER = "not-integer"  # a number with a fractional part
    TOO_LARGE = "too-large"  # beyond the 15 digits Excel keeps exactly (or infinite)
    FORMULA_NO_CACHE = "formula-no-cache"  # a formula Excel never calculated


@dataclass(frozen=True)
class CostCell:
    """One year's (or the total's) amount, with where and how it was read."""

    value: Amount
    kind: CellKind
    cell: str | None  # A1 address; None when the column is missing entirely
    raw: str | int | float | bool | None = None  # what the cell held, for messages
    formula: str | None = None


@dataclass(frozen=True)
class YearHeader:
    """A fiscal-year column header of the cost block."""

    year: int | None  # None when the header text is not a recognisable year
    text: str
    cell: str | None


@dataclass
class CostPlan:
    """事業費見込額: the yearly amounts and the total as the sheet shows it."""

    headers: list[YearHeader] = field(default_factory=list)
    amounts: dict[int, CostCell] = field(default_factory=dict)  # fiscal year -> amount
    total: CostCell | None = None  # the 計 cell as read (the tool owns it)
    total_header_cell: str | None = None
    label_cell: str | None = None

    def numeric_amounts(self) -> list[int]:
        return [c.value for c in self.amounts.values() if isinstance(c.value, int)]


@dataclass(frozen=True)
class Role:
    """One row of 連携市町村の役割分担: who does what."""

    who: str  # e.g. 青森市, 連携町村, or one town's name
    text: str
    who_cell: str | None
    cell: str | None  # the role text's cell


@dataclass(frozen=True)
class Indicator:
    """One 成果指標 (KPI) row."""

    name: str
    current: str
    target: str
    row: int | None
    name_cell: str | None
    current_cell: str | None
    target_cell: str | None


@dataclass(frozen=True)
class Note:
    """A footnote (a cell starting with ※)."""

    text: str
    cell: str | None


@dataclass(frozen=True)
class TextField:
    """A free-text value with its address; ``text`` keeps the original characters."""

    text: str
    cell: str | None


@dataclass
class Project:
    """One 個表."""

    sheet: str
    number: int | None
    number_raw: str | int | float | None
    number_cell: str | None
    name: TextField
    municipalities: list[str]  # expanded, in config order
    municipalities_label: TextField
    unknown_municipalities: list[str]  # names in the label that config does not know
    content: TextField
    effect: TextField
    costs: CostPlan
    roles: list[Role]
    indicators: list[Indicator]
    indicator_target_year: int | None
    indicator_header_cell: str | None
    notes: list[Note]
    missing_blocks: list[str] = field(default_factory=list)  # labels not found
    block_cells: dict[str, str] = field(default_factory=dict)  # label -> A1
    # Staff memos: text beyond the sheet's right edge or below the last block that is not a
    # ※ note. Never part of any field, never distributed; only reported (contract §2).
    memos: list[TextField] = field(default_factory=list)
    hidden: bool = False  # the sheet is hidden (or veryHidden) in the workbook
    hidden_rows: list[str] = field(default_factory=list)  # first cell of each hidden row left out

    def role_for(
        self, municipality: str, central_city: str, partner_label: str, all_label: str = "全市町村"
    ) -> str | None:
        """The role that applies to *municipality*: its own row, else 連携町村 (or 青森市 for
        the central city), else a row for every municipality (全市町村)."""
        own = next((r.text for r in self.roles if r.who == municipality), None)
        if own is not None:
            return own
        generic = central_city if municipality == central_city else partner_label
        found = next((r.text for r in self.roles if r.who == generic), None)
        if found is not None:
            return found
        return next((r.text for r in self.roles if r.who == all_label), None)


@dataclass
class SkippedSheet:
    """A sheet that is not a 個表 (a cover, a 記入例, the 総括表)."""

    sheet: str
    reason: str


@dataclass
class Master:
    """Everything read from one master workbook."""

    path: str
    projects: list[Project]
    skipped: list[SkippedSheet]
    sheet_order: list[str]
    # Hidden 個表 (drafts) under sheets.hidden = "exclude": validated, but kept out of
    # every output (総括表, distribution, mail, overview counts).
    excluded: list[Project] = field(default_factory=list)

    def to_frames(self) -> Any:
        """The projects as tidy pandas tables (:class:`kohyo.data.frames.MasterFrames`).

        pandas is imported here, on use, so reading and checking never pay for it."""
        from kohyo.data.frames import master_frames

        return master_frames(self)
