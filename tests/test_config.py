"""config.toml: the real file loads; every bad value is one ConfigError naming its key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REAL_CONFIG
from kohyo.config import load_config
from kohyo.errors import ConfigError


def test_real_config(config) -> None:
    area, plan = config.area, config.plan
    assert area.name == "青森圏域連携中枢都市圏"
    assert area.central_city == "青森市"
    assert area.municipalities == ("青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町")
    assert area.partners == ("平内町", "今別町", "蓬田村", "外ヶ浜町")
    assert (area.all_label, area.partner_label) == ("全市町村", "連携町村")
    assert plan.fiscal_years == (2020, 2021, 2022, 2023, 2024)
    assert (plan.unit, plan.kpi_target_year) == ("千円", 2024)
    assert config.summary.sheet_name == "総括表"
    assert config.limits.max_uncompressed_bytes == 300 * 2**20
    assert set(config.mail.recipients) == {"平内町", "今別町", "蓬田村", "外ヶ浜町"}
    assert config.mail.recipients["平内町"].to == ("kikaku@town.hiranai.example.jp",)


def test_relative_paths_resolve_against_the_config_folder(
    tmp_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_config()
    monkeypatch.chdir(tmp_path)  # the current directory must not matter
    config = load_config(path.relative_to(tmp_path))
    assert config.paths.master == path.parent / "workbooks" / "master.xlsx"
    assert config.paths.output_dir == path.parent / "out"
    assert config.mail.outbox_dir == path.parent / "out" / "outbox"


def test_bom_and_nfkc_names(tmp_config: Callable[..., Path]) -> None:
    path = tmp_config({"area.central_city": '" 青森市 "', "plan.target_year": "2025"})
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    config = load_config(path)
    assert config.area.central_city == "青森市"
    assert config.plan.kpi_target_year == 2025


def test_another_area_by_config_alone(tmp_config: Callable[..., Path]) -> None:
    towns = [f"町{i}" for i in range(1, 22)]
    path = tmp_config(
        {
            "area.name": '"どこか圏域"',
            "area.central_city": '"町1"',
            "area.municipalities": "[" + ", ".join(f'"{t}"' for t in towns) + "]",
        }
    )
    text = path.read_text(encoding="utf-8")  # drop the Aomori recipients
    path.write_text(text[: text.index('[mail.recipients."平内町"]')], encoding="utf-8")
    config = load_config(path)
    assert config.area.municipalities == tuple(towns)
    assert len(config.area.partners) == 20


BAD: list[tuple[str, dict[str, str | None], str]] = [
    ("central-not-member", {"area.central_city": '"弘前市"'}, "area.central_city"),
    ("central-missing", {"area.central_city": None}, "area.central_city"),
    ("name-missing", {"area.name": None}, "area.name"),
    ("name-empty", {"area.name": '"  "'}, "area.name"),
    ("munis-empty", {"area.municipalities": "[]"}, "area.municipalities"),
    ("munis-duplicate", {"area.municipalities": '["青森市", "青森市"]'}, "area.municipalities"),
    (
        "munis-nfkc-duplicate",
        {"area.municipalities": '["青森市", "青森市 "]'},
        "area.municipalities",
    ),
    ("munis-not-text", {"area.municipalities": '["青森市", 1]'}, "area.municipalities"),
    ("munis-slash", {"area.municipalities": '["青森市", "平内/町"]'}, "area.municipalities"),
    ("all-label-is-a-town", {"area.all_label": '"平内町"'}, "area.all_label"),
    ("years-string", {"plan.fiscal_years": '"2020"'}, "plan.fiscal_years"),
    ("years-number", {"plan.fiscal_years": "2020"}, "plan.fiscal_years"),
    ("years-empty", {"plan.fiscal_years": "[]"}, "plan.fiscal_years"),
    ("years-wareki", {"plan.fiscal_years": "[2, 3, 4]"}, "plan.fiscal_years"),
    ("years-unsorted", {"plan.fiscal_years": "[2021, 2020]"}, "plan.fiscal_years"),
    ("years-duplicate", {"plan.fiscal_years": "[2020, 2020]"}, "plan.fiscal_years"),
    ("years-bool", {"plan.fiscal_years": "[true]"}, "plan.fiscal_years"),
    ("target-before", {"plan.target_year": "2010"}, "plan.target_year"),
    ("target-text", {"plan.target_year": '"2024"'}, "plan.target_year"),
    ("limit-zero", {"limits.max_file_mb": "0"}, "limits.max_file_mb"),
    ("limit-negative", {"limits.max_uncompressed_mb": "-1"}, "limits.max_uncompressed_mb"),
    ("limit-bool", {"limits.max_file_mb": "true"}, "limits.max_file_mb"),
    ("limit-nan", {"limits.max_compression_ratio": "nan"}, "limits.max_compression_ratio"),
    ("limit-inf", {"limits.max_uncompressed_mb": "inf"}, "limits.max_uncompressed_mb"),
    ("backups-zero", {"refresh.backups_keep": "0"}, "refresh.backups_keep"),
    ("distribute-text", {"refresh.distribute": '"yes"'}, "refresh.distribute"),
    ("sheet-name-bad", {"summary.sheet_name": '"総括/表"'}, "summary.sheet_name"),
    ("sheet-name-long", {"summary.sheet_name": '"' + "あ" * 32 + '"'}, "summary.sheet_name"),
    ("position-word", {"summary.position": '"middle"'}, "summary.position"),
    ("position-zero", {"summary.position": "0"}, "summary.position"),
    ("position-bool", {"summary.position": "true"}, "summary.position"),
    ("pattern-unknown", {"distribution.filename_pattern": '"{foo}.xlsx"'}, "filename_pattern"),
    ("security", {"mail.security": '"tls"'}, "mail.security"),
    ("password", {"mail.password": '"secret"'}, "mail.password"),
    ("port", {"mail.smtp_port": "70000"}, "mail.smtp_port"),
    ("recipient-town", {'mail.recipients."弘前市".to': '["a@example.jp"]'}, "弘前市"),
    ("recipient-address", {'mail.recipients."平内町".to': '["not an address"]'}, "to"),
    ("attachment-text", {"mail.max_attachment_mb": '"10"'}, "mail.max_attachment_mb"),
]


@pytest.mark.parametrize(("changes", "key"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_value_is_one_clear_error(
    tmp_config: Callable[..., Path], changes: dict[str, str | None], key: str
) -> None:
    path = tmp_config(changes)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = info.value.message
    assert str(path) in message
    assert key in message
    assert "\n" not in message
    assert info.value.exit_code == 2


# Control characters in anything that becomes a file name, a sheet name or a mail header.
CONTROL = [
    (
        "sender-crlf",
        {"mail.sender": r'"青森市 <a@example.jp>\r\nBcc: x@evil.example"'},
        "mail.sender",
        "U+000D",
    ),
    ("sender-lf", {"mail.sender": r'"青森市\n <a@example.jp>"'}, "mail.sender", "U+000A"),
    ("area-name-rlo", {"area.name": r'"青森圏域\u202Excslx.exe"'}, "area.name", "U+202E"),
    ("short-name-lri", {"area.short_name": r'"青森\u2066圏域"'}, "area.short_name", "U+2066"),
    (
        "munis-rlo",
        {"area.municipalities": r'["青森市", "平内\u202E町"]'},
        "area.municipalities",
        "U+202E",
    ),
    (
        "munis-tab",
        {"area.municipalities": r'["青森市", "平内\t町"]'},
        "area.municipalities",
        "U+0009",
    ),
    (
        "munis-c1",
        {"area.municipalities": r'["青森市", "平内\u0085町"]'},
        "area.municipalities",
        "U+0085",
    ),
    (
        "munis-lrm",
        {"area.municipalities": r'["青森市", "平内\u200E町"]'},
        "area.municipalities",
        "U+200E",
    ),
    ("all-label-del", {"area.all_label": r'"全市町村\u007F"'}, "area.all_label", "U+007F"),
    (
        "partner-label-pdi",
        {"area.partner_label": r'"連携\u2069町村"'},
        "area.partner_label",
        "U+2069",
    ),
    ("sheet-name-rlm", {"summary.sheet_name": r'"総括\u200F表"'}, "summary.sheet_name", "U+200F"),
    (
        "pattern-nul",
        {"distribution.filename_pattern": r'"{town}\u0000.xlsx"'},
        "filename_pattern",
        "U+0000",
    ),
    (
        "folder-pattern-rlo",
        {"distribution.folder_pattern": r'"配布\u202E_{date}"'},
        "folder_pattern",
        "U+202E",
    ),
    ("recipient-rlo", {'mail.recipients."平内町".to': r'["a\u202E@example.jp"]'}, "to", "U+202E"),
    ("recipient-cc-c1", {'mail.recipients."平内町".cc': r'["a@exa\u009Bmple.jp"]'}, "cc", "U+009B"),
]


@pytest.mark.parametrize(
    ("changes", "key", "code"), [c[1:] for c in CONTROL], ids=[c[0] for c in CONTROL]
)
def test_control_characters_in_names_are_refused(
    tmp_config: Callable[..., Path], changes: dict[str, str], key: str, code: str
) -> None:
    path = tmp_config(changes)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = info.value.message
    assert f"{key} が正しくありません: 制御文字 {code} " in message
    assert "\n" not in message and "\r" not in message and "\t" not in message
    assert not set(message) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert info.value.exit_code == 2


def test_missing_directory_and_unreadable_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="見つかりません"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="フォルダー"):
        load_config(tmp_path)
    cp932 = tmp_path / "cp932.toml"
    cp932.write_bytes(REAL_CONFIG.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(cp932)
    broken = tmp_path / "broken.toml"
    broken.write_text("[area\nname = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="書き方に誤り"):
        load_config(broken)
