"""kohyo as staff get it: built into a wheel, installed into a fresh venv, run from a folder
outside the repository. The templates must come from the installed package, nowhere else.

The venv gets no dependencies of its own: a .pth file lends it this test venv's
site-packages, so it starts in seconds. A .pth line only appends a folder to sys.path (the
.pth files *in* that folder, such as an editable kohyo's finder, are not run), and the new
venv's own site-packages comes first; the test still asserts which kohyo was imported.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AREA_ARGS = ["--area", "東西圏域連携中枢都市圏", "--town", "東市", "--town", "西町、南村"]
BUILD_INPUTS = ("pyproject.toml", "README.md", "src", "templates")


def _local_setuptools_builds() -> bool:
    """Whether this venv's setuptools can build kohyo without an isolated build env."""
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return False
    return major >= 77  # pyproject.toml's build-system requirement


def build_wheel(tmp: Path) -> Path:
    """The wheel, built from a copy of what the build reads (the checkout stays untouched)."""
    src = tmp / "src-copy"
    src.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    out = tmp / "dist"
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)]
    if _local_setuptools_builds():
        cmd.insert(4, "--no-build-isolation")
    subprocess.run(cmd, check=True, capture_output=True)
    (wheel,) = out.glob("kohyo-*.whl")
    return wheel


def make_venv(tmp: Path, wheel: Path) -> Path:
    """A venv with the wheel installed; dependencies lent by this venv through a .pth."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    lent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "kohyo-test-deps.pth").write_text("\n".join(sorted(lent)) + "\n", "utf-8")
    return venv


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    return make_venv(tmp, build_wheel(tmp))


def run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", "KOHYO_LANG": "ja",
            "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}  # fmt: skip
    return subprocess.run(
        [str(bin_dir / "kohyo"), *args], cwd=cwd, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=300,
    )  # fmt: skip


def test_the_wheel_ships_the_templates_once(venv: Path, tmp_path: Path) -> None:
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    out = subprocess.run(
        [str(python), "-I", "-c", "import kohyo, importlib.resources as r; print(kohyo.__file__);"
         " print(r.files('kohyo.templates'))"],
        cwd=tmp_path, check=True, capture_output=True, text=True,
    ).stdout.split("\n")  # fmt: skip
    assert Path(out[0]).is_relative_to(venv), out  # not the editable kohyo of this venv
    packaged = Path(out[1])
    assert packaged.is_relative_to(venv)
    shipped = sorted(p.relative_to(packaged).as_posix() for p in packaged.rglob("*.*")
                     if "__pycache__" not in p.parts)  # fmt: skip
    in_repo = sorted(p.relative_to(ROOT / "templates").as_posix()
                     for p in (ROOT / "templates").rglob("*.*") if "__pycache__" not in p.parts)  # fmt: skip
    assert shipped == in_repo


def test_staff_workflow_from_a_folder_outside_the_repository(venv: Path, tmp_path: Path) -> None:
    today = date.today().isoformat()
    assert not tmp_path.is_relative_to(ROOT)
    r = run(venv, tmp_path, "init", "東西", *AREA_ARGS)
    assert (r.returncode, r.stderr) == (0, ""), r.stdout
    assert r.stdout.startswith(f"圏域のフォルダーを作りました: {tmp_path / '東西'}\n")
    area = tmp_path / "東西"
    assert sorted(p.name for p in area.iterdir()) == ["config.toml", "workbooks"]  # no templates/

    r = run(venv, area, "validate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "エラー 0 件、警告 1 件、情報 1 件（個表 1 件）" in r.stdout
    assert "sheet-skipped" in r.stdout and "kpi-none" in r.stdout

    r = run(venv, area, "refresh", "--no-distribute")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "総括表: 作成しました（具体的取組の総数 1事業）" in r.stdout
    with zipfile.ZipFile(area / "workbooks" / "master.xlsx") as z:
        styles = z.read("xl/styles.xml").decode()
    assert "DDEBF7" in styles  # the 総括表 header fill from the packaged summary.toml

    before_new = shutil.copy2(area / "workbooks" / "master.xlsx", tmp_path / "before.xlsx")
    r = run(venv, area, "new", "--name", "圏域の移住相談窓口の共同運営", "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        "事業番号 2「圏域の移住相談窓口の共同運営」の個表をシート「2」として追加しました"
        in r.stdout
    )

    r = run(venv, area, "distribute")
    assert r.returncode == 0, r.stdout + r.stderr
    dist = area / "out" / f"配布_{today}"
    assert sorted(p.name for p in dist.glob("*.xlsx")) == sorted(
        f"東西圏域_{town}_個表_{today}.xlsx" for town in ("東市", "西町", "南村")
    )

    r = run(venv, area, "diff", str(before_new), "--out", "概要")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "新規 1事業" in r.stdout
    assert sorted(p.name for p in (area / "概要").iterdir()) == [
        "overview.html", "overview.md", "overview.xlsx",
    ]  # fmt: skip

    r = run(venv, area, "mail")
    assert r.returncode == 0, r.stdout + r.stderr
    outbox = area / "out" / "outbox"
    assert sorted(p.name for p in outbox.iterdir()) == [f"南村_{today}.eml", f"西町_{today}.eml"]
    eml = (outbox / f"西町_{today}.eml").read_bytes()
    assert b"To: kohyo-1@example.jp" in eml

    r = run(venv, tmp_path, "init", "東西")
    assert r.returncode == 2
    assert r.stderr.startswith(f"エラー: {Path('東西') / 'config.toml'} がすでにあります。")
