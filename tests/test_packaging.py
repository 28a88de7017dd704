"""What the wheel holds and what kohyo needs: pyproject.toml kept honest against the source."""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from kohyo.templates_lookup import PACKAGE, TEMPLATES, packaged_template_path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "kohyo"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Used when present, else done without (guarded by ImportError): docs/mail.md says so.
OPTIONAL_IMPORTS = {"keyring", "pyarrow"}  # pyarrow: the kohyo[parquet] extra


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(req: str) -> str:
    return _norm(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0])


def _imported_top_level() -> set[str]:
    """Every top-level module the package imports (static imports and import_module)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and not str(node.args[0].value).startswith(".")
            ):
                names.add(str(node.args[0].value).split(".")[0])
    return names


def _third_party_distributions() -> dict[str, set[str]]:
    """Top-level module -> the distributions that provide it, for what the package imports."""
    provided = importlib.metadata.packages_distributions()
    out: dict[str, set[str]] = {}
    for module in _imported_top_level() - set(sys.stdlib_module_names) - {"kohyo"}:
        out[module] = {_norm(d) for d in provided.get(module, [module])}
    return out


def test_every_dependency_is_imported_by_the_package() -> None:
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    imported = set().union(*_third_party_distributions().values())
    assert declared - imported == set(), "declared but never imported"


def test_every_third_party_import_is_declared() -> None:
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra in PYPROJECT["project"]["optional-dependencies"]["live"]:
        declared.add(_requirement_name(extra))
    undeclared = {
        m: d
        for m, d in _third_party_distributions().items()
        if not d & declared and m not in OPTIONAL_IMPORTS
    }
    assert undeclared == {}


def test_no_kohyo_module_imports_openpyxl_or_pandas() -> None:
    """Import every module of the package in a fresh interpreter (this one has openpyxl).

    pandas is the data-out commands' own (kohyo.data): nothing else may pay for its import."""
    modules = sorted(
        ".".join(("kohyo", *p.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        for p in SRC.rglob("*.py")
        if p.name != "__main__.py"  # runs the CLI
        and p.relative_to(SRC).parts[0] != "data"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'openpyxl', 'pandas', "
        "'defusedxml', 'xlwings'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 50
    assert out.stdout.strip() == "[]"


def test_the_package_list_names_every_sub_package() -> None:
    """The list is explicit (templates/ is mapped in); a new sub-package must be added to it."""
    listed = PYPROJECT["tool"]["setuptools"]["packages"]
    found = [
        ".".join(("kohyo", *p.parent.relative_to(SRC).parts))
        for p in sorted(SRC.rglob("__init__.py"))
    ]
    assert sorted(listed) == sorted([*found, PACKAGE])
    assert PYPROJECT["tool"]["setuptools"]["package-dir"][PACKAGE] == "templates"


def test_the_templates_folder_holds_exactly_the_known_templates() -> None:
    folder = ROOT / "templates"
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "__init__.py" and "__pycache__" not in p.parts
    )
    assert files == sorted(TEMPLATES)
    globs = PYPROJECT["tool"]["setuptools"]["package-data"][PACKAGE]
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files), globs


def test_every_template_is_found_in_the_installed_package() -> None:
    for name in TEMPLATES:
        path = packaged_template_path(name)
        assert path.read_bytes() == (ROOT / "templates" / name).read_bytes()


def test_pandas_is_the_data_commands_own() -> None:
    code = "import sys, kohyo.data.frames; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
