"""`kohyo mail` against a real SMTP server on loopback (aiosmtpd), on real files.

Each test builds an area in tmp_path: a master (tests/builders.py), a distribution
folder as `kohyo distribute` leaves it (per-town xlsx written with xlsxwriter, a PDF
for one town, manifest.json), and a config.toml pointing at a server the test starts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from builders import project, write_master
from kohyo.cli import cli
from kohyo.config import load_config
from kohyo.distribute.manifest import ManifestError, latest_distribution, load_manifest
from kohyo.mail.ledger import LEDGER_NAME
from kohyo.mail.message import (
    MIME_TYPES,
    Attachment,
    Letter,
    MailTemplates,
    compose,
)
from kohyo.mail.prepare import address_problems, configured_recipients

DATE = "2026-11-29"
SENDER = "kikaku@city.aomori.example.jp"
PARTNERS = ["平内町", "今別町", "蓬田村", "外ヶ浜町"]
RECIPIENTS = {
    "平内町": (
        ["kikaku@hiranai.example.jp", "zaisei@hiranai.example.jp"],
        ["soumu@hiranai.example.jp"],
    ),
    "今別町": (["kikaku@imabetsu.example.jp"], []),
    "蓬田村": (["kikaku@yomogita.example.jp"], []),
    "外ヶ浜町": (["kikaku@sotogahama.example.jp"], ["cc@sotogahama.example.jp"]),
}
PROJECTS = [
    project(1, "地域企業ビジネス支援拠点運営事業", municipalities="全市町村"),
    project(
        2,
        "平内町ほたて観光推進事業",
        municipalities="青森市、平内町",
        content="○ほたての養殖体験ツアーを造成する。",
        effect="平内町を訪れる観光客の増加",
    ),
    project(
        3,
        "津軽海峡交流連携事業",
        municipalities="青森市、今別町、外ヶ浜町",
        content="○津軽海峡を挟んだ地域間の交流を進める。",
        effect="海峡圏域の交流人口の拡大",
    ),
    project(
        4,
        "蓬田村農産物ブランド化事業",
        municipalities="青森市、蓬田村",
        content="○蓬田村産の農産物のブランドを確立する。",
        effect="農業所得の向上",
    ),
]
TOWN_PROJECTS = {"平内町": [1, 2], "今別町": [1, 3], "蓬田村": [1, 4], "外ヶ浜町": [1, 3]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the area: master, distribution, config ------------------------------------------------


@dataclass
class Area:
    root: Path
    dist: Path
    master: Path
    files: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    @property
    def ledger(self) -> Path:
        return self.root / "out" / LEDGER_NAME

    @property
    def outbox(self) -> Path:
        return self.root / "out" / "outbox"

    def configure(self, port: int = 25, **mail: Any) -> Path:
        settings = {"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none"} | mail
        lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in settings.items()]
        recipients = "".join(
            f'[mail.recipients."{town}"]\nto = {json.dumps(to)}\ncc = {json.dumps(cc)}\n'
            for town, (to, cc) in RECIPIENTS.items()
        )
        self.config_path.write_text(
            CONFIG.format(sender=SENDER, mail="\n".join(lines), recipients=recipients),
            encoding="utf-8",
        )
        return self.config_path

    def ledger_lines(self) -> list[dict[str, Any]]:
        if not self.ledger.exists():
            return []
        return [json.loads(line) for line in self.ledger.read_text(encoding="utf-8").splitlines()]

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.dist / "manifest.json").read_text(encoding="utf-8"))

    def write_manifest(self, data: dict[str, Any]) -> None:
        (self.dist / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


CONFIG = """
[area]
name = "青森圏域連携中枢都市圏"
short_name = "青森圏域"
central_city = "青森市"
municipalities = ["青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町"]

[plan]
fiscal_years = [2020, 2021, 2022, 2023, 2024]

[paths]
master = "workbooks/master.xlsx"
output_dir = "out"

[mail]
sender = "青森市 企画部 企画調整課 <{sender}>"
signature = \"\"\"
青森市 企画部 企画調整課
電話 017-000-0000\"\"\"
outbox_dir = "out/outbox"
{mail}

{recipients}
"""


def write_town_xlsx(path: Path, numbers: list[int], extra_text: str | None = None) -> None:
    """A town's workbook as distribute makes it: one sheet per project the town is part of."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2026, 11, 29, 9, 0)})
    for p in PROJECTS:
        if p["number"] in numbers:
            ws = wb.add_worksheet(str(p["number"]))
            ws.write_string(0, 0, "事業名")
            ws.write_string(0, 2, p["name"])
            ws.write_string(1, 0, "内容")
            ws.write_string(1, 1, p["content"])
            ws.write_string(2, 0, "連携効果")
            ws.write_string(2, 1, p["effect"])
    if extra_text is not None:
        wb.worksheets()[0].write_string(20, 0, extra_text)
    wb.close()


def file_entry(path: Path, kind: str) -> dict[str, Any]:
    data = path.read_bytes()
    return {"name": path.name, "kind": kind, "sha256": sha256(data), "bytes": len(data)}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_area(root: Path) -> Area:
    master = root / "workbooks" / "master.xlsx"
    master.parent.mkdir(parents=True)
    write_master(master, PROJECTS)
    dist = root / "out" / f"配布_{DATE}"
    dist.mkdir(parents=True)
    area = Area(root, dist, master)
    towns: dict[str, Any] = {}
    for town in PARTNERS:
        xlsx = dist / f"青森圏域_{town}_個表_{DATE}.xlsx"
        write_town_xlsx(xlsx, TOWN_PROJECTS[town])
        area.files[town] = [xlsx]
        entries = [file_entry(xlsx, "xlsx")]
        if town == "外ヶ浜町":
            pdf = dist / f"青森圏域_{town}_個表_{DATE}.pdf"
            pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(2000) + b"\n%%EOF\n")
            area.files[town].append(pdf)
            entries.append(file_entry(pdf, "pdf"))
        towns[town] = {"projects": TOWN_PROJECTS[town], "files": entries}
    area.write_manifest(
        {
            "kohyo_version": "0.1.0",
            "area": "青森圏域連携中枢都市圏",
            "date": DATE,
            "master": str(master.resolve()),
            "master_sha256": sha256(master.read_bytes()),
            "towns": towns,
        }
    )
    area.configure()
    return area


@pytest.fixture(scope="session")
def area_template(tmp_path_factory: pytest.TempPathFactory) -> Area:
    return make_area(tmp_path_factory.mktemp("area"))


@pytest.fixture
def area(area_template: Area, tmp_path: Path) -> Area:
    """A fresh copy of the area for each test (building one takes longer than copying it)."""
    root = tmp_path / "area"
    shutil.copytree(area_template.root, root)
    moved = Area(
        root,
        root / area_template.dist.relative_to(area_template.root),
        root / area_template.master.relative_to(area_template.root),
        {
            t: [root / p.relative_to(area_template.root) for p in ps]
            for t, ps in area_template.files.items()
        },
    )
    moved.write_manifest(moved.manifest() | {"master": str(moved.master.resolve())})
    return moved


# --- a real SMTP server on loopback -------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: bytes | None

    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.content)  # type: ignore[return-value]


class Inbox:
    """aiosmtpd handler: keeps every accepted message; can refuse an address or hang up."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.hang_up_after: int | None = None  # drop the connection at the next DATA
        # Answer 500 at the end of DATA to these addresses, and keep the refused transaction
        # open until RSET, as some servers do (the next MAIL gets "503 nested MAIL command").
        self.reject_data: set[str] = set()
        self.data_delay = 0.0  # seconds to wait before answering DATA (a slow server)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if getattr(session, "refused_open", False):
            return "503 Error: nested MAIL command"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):  # type: ignore[no-untyped-def]
        session.refused_open = False
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.reject_data & set(envelope.rcpt_tos):
            session.refused_open = True
            return "500 5.7.1 Message content rejected"
        if self.hang_up_after is not None and len(self.received) >= self.hang_up_after:
            server.transport.abort()  # gone without a reply: the message was not accepted
            return "421 closing"
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, tls, login)
        )
        return "250 2.0.0 Ok: queued as TEST"

    def to_town(self, town: str) -> list[Received]:
        to, cc = RECIPIENTS[town]
        return [r for r in self.received if set(r.rcpt_tos) & set(to + cc)]


@dataclass
class Server:
    port: int
    inbox: Inbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., Server]]:
    controllers: list[Controller] = []

    def start(**kwargs: Any) -> Server:
        inbox = Inbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return Server(port, inbox)

    yield start
    for c in controllers:
        c.stop()


def kohyo(area: Area, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["mail", "--config", str(area.config_path), *args])
    assert not isinstance(result.exception, AssertionError | TypeError | AttributeError), (
        result.output
    )
    return result


def body_text(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def summary(sent: int, skipped: int, failed: int) -> str:
    return f"送信 {sent} 件、送信済みのため省略 {skipped} 件、失敗 {failed} 件"


def assert_delivered_exactly(inbox: Inbox, area: Area, towns: list[str]) -> None:
    """One message per town, to exactly its recipients, attachments byte-identical."""
    assert len(inbox.received) == len(towns)
    for town in towns:
        (got,) = inbox.to_town(town)
        to, cc = RECIPIENTS[town]
        assert got.mail_from == SENDER
        assert sorted(got.rcpt_tos) == sorted(to + cc)
        msg = got.message()
        assert town in str(msg["Subject"])
        attached = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
        assert attached == {p.name: p.read_bytes() for p in area.files[town]}


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_writes_one_eml_per_partner_town(area: Area) -> None:
    result = kohyo(area)

    assert result.exit_code == 0, result.output
    emls = sorted(area.outbox.glob("*.eml"))
    assert sorted(p.name for p in emls) == sorted(f"{t}_{DATE}.eml" for t in PARTNERS)
    assert "ドライラン: .eml を 4 件書き出しました（送信はしていません）" in result.output
    assert not area.ledger.exists()
    for town in PARTNERS:
        raw = (area.outbox / f"{town}_{DATE}.eml").read_bytes()
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        to, cc = RECIPIENTS[town]
        assert [a.addr_spec for a in msg["To"].addresses] == to
        assert [a.addr_spec for a in msg["Cc"].addresses] if cc else msg["Cc"] is None
        assert msg["Bcc"] is None
        assert msg["From"].addresses[0].addr_spec == SENDER
        assert str(msg["Subject"]) == (
            f"【青森圏域】青森圏域連携中枢都市圏ビジョン 個表の送付について（{town}・2026年11月29日版）"
        )
        assert msg["Message-ID"].endswith("@city.aomori.example.jp>")
        assert msg["Date"].datetime.tzinfo is not None
        body = body_text(msg)
        assert body.startswith(f"{town} ご担当者様\n")
        assert "事業番号 " + "、".join(str(n) for n in TOWN_PROJECTS[town]) in body
        assert body.rstrip().endswith("電話 017-000-0000")
        assert "変更の概要" not in body
        attachments = list(msg.iter_attachments())
        assert [a.get_filename() for a in attachments] == [p.name for p in area.files[town]]
        for part, path in zip(attachments, area.files[town], strict=True):
            assert part.get_content() == path.read_bytes()
            assert part.get_content_type() == "/".join(MIME_TYPES[path.suffix[1:]])
            # Outlook-compatible: one unsplit RFC 2231 filename*, plus the RFC 2047 name.
            encoded = "filename*=utf-8''" + urllib.parse.quote(path.name, safe="")
            assert encoded.encode() in raw
        assert b"filename*0" not in raw
        assert b'name="=?utf-8?b?' in raw
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
        assert raw.isascii()  # 7-bit: relayable by any server


def test_json_is_the_library_report(area: Area) -> None:
    result = kohyo(area, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["mode"] == "dry-run"
    assert report["counts"] == {"written": 4, "sent": 0, "skipped": 0, "failed": 0}
    assert [(r["town"], r["status"], r["files"]) for r in report["results"]] == [
        (t, "written", [p.name for p in area.files[t]]) for t in PARTNERS
    ]
    assert report["results"][0]["recipients"] == [
        *RECIPIENTS["平内町"][0],
        *RECIPIENTS["平内町"][1],
    ]


def test_dry_run_marks_what_send_would_skip(area: Area, smtp_server: Callable[..., Server]) -> None:
    server = smtp_server()
    area.configure(server.port)
    assert kohyo(area, "--send", "--town", "今別町").exit_code == 0

    result = kohyo(area)

    assert result.exit_code == 0
    assert result.output.count("送信済み: --send では省略されます") == 1
    assert len(list(area.outbox.glob("*.eml"))) == 4


def test_town_option_selects_towns(area: Area) -> None:
    result = kohyo(
        area, "--town", "外ヶ浜町", "--town", "今別町", "--outbox", str(area.root / "box")
    )

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (area.root / "box").glob("*.eml")) == [
        f"今別町_{DATE}.eml",
        f"外ヶ浜町_{DATE}.eml",
    ]


def test_summary_goes_into_the_body(area: Area) -> None:
    text = area.root / "overview.txt"
    text.write_text("・事業番号 1 の事業費見込額を変更しました。\n", encoding="utf-8")

    result = kohyo(area, "--summary", str(text))

    assert result.exit_code == 0, result.output
    msg = BytesParser(policy=policy.default).parsebytes(
        (area.outbox / f"蓬田村_{DATE}.eml").read_bytes()
    )
    body = body_text(msg)
    assert "■変更の概要\n・事業番号 1 の事業費見込額を変更しました。\n" in body


# --- sending ----------------------------------------------------------------------------------


def test_send_delivers_each_town_once_and_records_it(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    area.configure(server.port)

    result = kohyo(area, "--send")

    assert result.exit_code == 0, result.output
    assert summary(4, 0, 0) in result.output
    assert_delivered_exactly(server.inbox, area, PARTNERS)
    assert not any(r.tls or r.login for r in server.inbox.received)  # security = "none"
    ledger = area.ledger_lines()
    assert [r["town"] for r in ledger] == PARTNERS
    for record in ledger:
        town = record["town"]
        assert record["recipients"] == {"to": RECIPIENTS[town][0], "cc": RECIPIENTS[town][1]}
        assert [f["sha256"] for f in record["files"]] == [
            sha256(p.read_bytes()) for p in area.files[town]
        ]
        assert [f["name"] for f in record["files"]] == [p.name for p in area.files[town]]
        assert record["smtp_response"] == "250 2.0.0 Ok: queued as TEST"
        assert dt.datetime.fromisoformat(record["time"]).tzinfo is not None
    assert not area.outbox.exists()


def test_second_send_sends_nothing_and_resend_sends_again(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    area.configure(server.port)
    assert kohyo(area, "--send").exit_code == 0

    again = kohyo(area, "--send")

    assert again.exit_code == 0, again.output
    assert summary(0, 4, 0) in again.output
    assert len(server.inbox.received) == 4
    assert len(area.ledger_lines()) == 4

    server.inbox.received.clear()
    resent = kohyo(area, "--send", "--resend")

    assert resent.exit_code == 0, resent.output
    assert summary(4, 0, 0) in resent.output
    assert_delivered_exactly(server.inbox, area, PARTNERS)
    assert len(area.ledger_lines()) == 8


def test_refused_recipient_fails_that_town_only(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    area.configure(server.port)
    server.inbox.refuse = {"soumu@hiranai.example.jp"}  # 平内町's cc

    result = kohyo(area, "--send")

    assert result.exit_code == 1
    assert summary(3, 0, 1) in result.output
    assert (
        "失敗  平内町: 宛先 soumu@hiranai.example.jp を受け付けませんでした: 550" in result.output
    )
    # All or nothing for a town: its accepted "to" addresses got nothing either.
    assert server.inbox.to_town("平内町") == []
    assert_delivered_exactly(server.inbox, area, ["今別町", "蓬田村", "外ヶ浜町"])
    assert [r["town"] for r in area.ledger_lines()] == ["今別町", "蓬田村", "外ヶ浜町"]

    server.inbox.refuse.clear()
    server.inbox.received.clear()
    rerun = kohyo(area, "--send")

    assert rerun.exit_code == 0, rerun.output
    assert summary(1, 3, 0) in rerun.output
    assert_delivered_exactly(server.inbox, area, ["平内町"])


def test_dropped_connection_leaves_an_exact_ledger(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    area.configure(server.port)
    server.inbox.hang_up_after = 2

    result = kohyo(area, "--send")

    assert result.exit_code == 1
    assert summary(2, 0, 2) in result.output
    assert "失敗  蓬田村: サーバーとの接続が切れました（送信中に切れたため" in result.output
    assert "失敗  外ヶ浜町: サーバーとの接続が切れたため送っていません" in result.output
    assert_delivered_exactly(server.inbox, area, ["平内町", "今別町"])
    assert [r["town"] for r in area.ledger_lines()] == ["平内町", "今別町"]

    server.inbox.hang_up_after = None
    server.inbox.received.clear()
    rerun = kohyo(area, "--send")

    assert rerun.exit_code == 0, rerun.output
    assert summary(2, 2, 0) in rerun.output
    assert_delivered_exactly(server.inbox, area, ["蓬田村", "外ヶ浜町"])
    assert [r["town"] for r in area.ledger_lines()] == PARTNERS


def test_ledger_cut_short_by_a_crash_is_not_trusted(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    area.configure(server.port)
    assert kohyo(area, "--send", "--town", "平内町").exit_code == 0
    whole = area.ledger.read_bytes()
    area.ledger.write_bytes(whole + whole[: len(whole) // 2])  # a second record, half written
    server.inbox.received.clear()

    result = kohyo(area, "--send")

    assert result.exit_code == 0, result.output
    assert summary(3, 1, 0) in result.output
    lines = area.ledger.read_bytes().split(b"\n")
    assert json.loads(lines[0])["town"] == "平内町"
    assert [json.loads(x)["town"] for x in lines[2:] if x] == ["今別町", "蓬田村", "外ヶ浜町"]


def test_rejected_data_does_not_break_the_following_towns(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    area.configure(server.port)
    server.inbox.reject_data = {"kikaku@imabetsu.example.jp"}  # 今別町, the second town

    result = kohyo(area, "--send")

    assert result.exit_code == 1
    assert summary(3, 0, 1) in result.output
    assert "失敗  今別町: メールを受け付けませんでした: 500" in result.output
    assert "503" not in result.output
    assert_delivered_exactly(server.inbox, area, ["平内町", "蓬田村", "外ヶ浜町"])
    assert [r["town"] for r in area.ledger_lines()] == ["平内町", "蓬田村", "外ヶ浜町"]


def start_send(area: Area) -> subprocess.Popen[str]:
    """`kohyo mail --send` in a process of its own, as a second staff member would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "kohyo", "mail", "--send", "--config", str(area.config_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=os.environ | {"KOHYO_LANG": "ja"},
    )


def test_two_sends_at_once_send_each_town_once(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    server.inbox.data_delay = 0.3  # both runs are under way together
    area.configure(server.port)

    runs = [start_send(area), start_send(area)]
    outputs = [run.communicate(timeout=120) for run in runs]

    codes = sorted(run.returncode for run in runs)
    assert codes in ([0, 0], [0, 2]), outputs
    assert_delivered_exactly(server.inbox, area, PARTNERS)
    assert [r["town"] for r in area.ledger_lines()] == PARTNERS


def test_second_send_while_one_runs_is_refused_naming_the_first(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()
    server.inbox.data_delay = 1.0
    area.configure(server.port)
    first = start_send(area)
    lock = area.ledger.with_name(LEDGER_NAME + ".lock")
    deadline = time.monotonic() + 60
    while f'"pid": {first.pid}' not in (lock.read_text("utf-8") if lock.exists() else ""):
        assert first.poll() is None and time.monotonic() < deadline, "no lock file while sending"
        time.sleep(0.05)

    second = kohyo(area, "--send")
    out, err = first.communicate(timeout=120)

    assert second.exit_code == 2, second.output
    assert "別の kohyo mail --send が送信中のため、送信しません" in second.output
    assert f"PID {first.pid}" in second.output
    assert socket.gethostname() in second.output
    assert first.returncode == 0, out + err
    assert_delivered_exactly(server.inbox, area, PARTNERS)
    assert lock.read_text("utf-8") == ""  # released: no holder named any more
    assert kohyo(area, "--send").exit_code == 0  # and the next run may go


# --- STARTTLS, certificates and the password ----------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kohyo test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def check_password(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"kikaku", b"s3cret-pass")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(
    request: pytest.FixtureRequest,
    smtp_server: Callable[..., Server],
    certificate: tuple[Path, Path],
    area: Area,
) -> Server:
    """STARTTLS required on a plain port, or TLS from the first byte (security = "ssl")."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    tls = (
        {"tls_context": context, "require_starttls": True}
        if request.param == "starttls"
        else {"ssl_context": context}
    )
    # aiosmtpd offers AUTH on implicit TLS only with auth_require_tls off (it checks STARTTLS).
    server = smtp_server(
        authenticator=check_password, auth_require_tls=request.param == "starttls", **tls
    )
    area.configure(
        server.port, security=request.param, username="kikaku", password_env="AREA_SMTP_PW"
    )
    return server


def test_tls_with_a_self_signed_certificate_and_the_password_from_env(
    area: Area, tls_server: Server, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOHYO_SMTP_CA_FILE", str(certificate[0]))
    monkeypatch.setenv("AREA_SMTP_PW", "s3cret-pass")

    result = kohyo(area, "--send")

    assert result.exit_code == 0, result.output
    assert_delivered_exactly(tls_server.inbox, area, PARTNERS)
    assert all(r.tls and r.login == b"kikaku" for r in tls_server.inbox.received)


def test_tls_trusts_the_ca_file_from_config(
    area: Area, tls_server: Server, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KOHYO_SMTP_CA_FILE", raising=False)
    monkeypatch.setenv("AREA_SMTP_PW", "s3cret-pass")
    text = area.config_path.read_text(encoding="utf-8")
    area.config_path.write_text(
        text.replace("[mail]\n", f"[mail]\nca_file = {json.dumps(str(certificate[0]))}\n", 1),
        encoding="utf-8",
    )

    result = kohyo(area, "--send")

    assert result.exit_code == 0, result.output
    assert_delivered_exactly(tls_server.inbox, area, PARTNERS)


@pytest.mark.parametrize(
    ("trust", "password", "message"),
    [
        (False, "s3cret-pass", "SMTP サーバー 127.0.0.1:{port} の証明書を確認できません"),
        (True, None, "SMTP のパスワードがありません。環境変数 AREA_SMTP_PW に設定してください"),
        (True, "wrong", "SMTP サーバー 127.0.0.1:{port} で認証に失敗しました（535"),
    ],
    ids=["untrusted-certificate", "no-password", "wrong-password"],
)
def test_cannot_connect_securely_sends_nothing(
    area: Area,
    tls_server: Server,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    trust: bool,
    password: str | None,
    message: str,
) -> None:
    monkeypatch.delenv("KOHYO_SMTP_CA_FILE", raising=False)
    monkeypatch.delenv("AREA_SMTP_PW", raising=False)
    if trust:
        monkeypatch.setenv("KOHYO_SMTP_CA_FILE", str(certificate[0]))
    if password is not None:
        monkeypatch.setenv("AREA_SMTP_PW", password)

    result = kohyo(area, "--send")

    assert result.exit_code == 2
    assert message.format(port=tls_server.port) in result.output
    assert tls_server.inbox.received == []
    assert area.ledger_lines() == []


def test_plain_server_refused_when_starttls_is_configured(
    area: Area, smtp_server: Callable[..., Server]
) -> None:
    server = smtp_server()  # no TLS offered
    area.configure(server.port, security="starttls")

    result = kohyo(area, "--send")

    assert result.exit_code == 2
    assert (
        f"SMTP サーバー 127.0.0.1:{server.port} が STARTTLS に対応していないため送りません"
        in result.output
    )
    assert server.inbox.received == []


def test_no_server_is_exit_2(area: Area) -> None:
    area.configure(free_port())

    result = kohyo(area, "--send")

    assert result.exit_code == 2
    assert "に接続できません" in result.output
    assert area.ledger_lines() == []


# --- refusals before anything is written or sent --------------------------------------------


def tamper(area: Area) -> None:
    path = area.files["今別町"][0]
    data = bytearray(path.read_bytes())
    data[-30] ^= 0xFF
    path.write_bytes(bytes(data))


def change_master(area: Area) -> None:
    write_master(area.master, [*PROJECTS[:3], {**PROJECTS[3], "effect": "農業所得の大幅な向上"}])


def leak(area: Area) -> None:
    """平内町's workbook also holds project 3's name; the manifest vouches for it all the same."""
    path = area.files["平内町"][0]
    write_town_xlsx(path, TOWN_PROJECTS["平内町"], extra_text=PROJECTS[2]["name"])
    manifest = area.manifest()
    manifest["towns"]["平内町"]["files"][0] = file_entry(path, "xlsx")
    area.write_manifest(manifest)


def oversize(area: Area) -> None:
    text = area.config_path.read_text(encoding="utf-8")
    area.config_path.write_text(
        text.replace("[mail]\n", "[mail]\nmax_attachment_mb = 0.005\n"), "utf-8"
    )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            tamper,
            f"今別町: 青森圏域_今別町_個表_{DATE}.xlsx が配布したときの内容と違います（sha256 が manifest と一致しません）",
        ),
        (
            leak,
            f"平内町: 青森圏域_平内町_個表_{DATE}.xlsx に 平内町 が関係しない事業（No.3）の内容が含まれています",
        ),
        (change_master, "が配布（2026-11-29）のあとで変更されています"),
        (oversize, "が上限 5 KB を超えています（config.toml の mail.max_attachment_mb）"),
    ],
    ids=["tampered-attachment", "leak", "master-changed", "too-big"],
)
def test_refusals_stop_everything(
    area: Area,
    smtp_server: Callable[..., Server],
    spoil: Callable[[Area], None],
    message: str,
) -> None:
    server = smtp_server()
    area.configure(server.port)
    spoil(area)

    result = kohyo(area, "--send")

    assert result.exit_code == 2, result.output
    assert message in result.output
    assert server.inbox.received == []
    assert not area.outbox.exists()
    assert area.ledger_lines() == []


def test_dry_run_refuses_too(area: Area) -> None:
    """The dry run runs every check: an .eml is never written for a file --send would refuse."""
    leak(area)
    tamper(area)

    result = kohyo(area)

    assert result.exit_code == 2
    assert result.output.startswith(
        "エラー: 確認で問題が見つかったため、どのメールも作成・送信していません。\n"
        f"  平内町: 青森圏域_平内町_個表_{DATE}.xlsx に 平内町 が関係しない事業（No.3）の内容が含まれています\n"
        f"  今別町: 青森圏域_今別町_個表_{DATE}.xlsx が配布したときの内容と違います"
    )
    assert not area.outbox.exists()


def test_summary_mentioning_another_towns_project_is_refused(area: Area) -> None:
    folder = area.root / "overviews"
    folder.mkdir()
    (folder / "平内町.txt").write_text(
        "・津軽海峡交流連携事業の事業費を変更しました。\n", encoding="utf-8"
    )

    result = kohyo(area, "--summary", str(folder))

    assert result.exit_code == 2
    assert (
        "平内町: 件名・本文（変更の概要など）に 平内町 が関係しない事業（No.3）の内容があります"
        in result.output
    )
    assert not area.outbox.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--town", "八戸市"],
            "--town「八戸市」は config.toml の area.municipalities にありません",
        ),
        (["--town", "青森市"], "に 青森市 のファイルがありません"),
        (["--resend"], "--resend は --send と一緒に指定してください"),
        (["--dir", "nowhere"], "配布フォルダーが見つかりません: nowhere"),
    ],
    ids=["unknown-town", "central-city-has-no-files", "resend-without-send", "missing-dir"],
)
def test_usage_errors(area: Area, args: list[str], message: str) -> None:
    result = kohyo(area, *args)

    assert result.exit_code == 2
    assert message in result.output


def test_no_distribution_is_exit_2(tmp_path: Path) -> None:
    area = Area(tmp_path, tmp_path / "out" / "none", tmp_path / "m.xlsx")
    area.configure()

    result = kohyo(area)

    assert result.exit_code == 2
    assert "配布フォルダーが見つかりません" in result.output
    assert "先に kohyo distribute を実行するか" in result.output


def test_missing_recipients_refused(area: Area) -> None:
    text = area.config_path.read_text(encoding="utf-8")
    area.config_path.write_text(
        text.replace('to = ["kikaku@yomogita.example.jp"]', "to = []"), "utf-8"
    )

    result = kohyo(area)

    assert result.exit_code == 2
    assert (
        '蓬田村: config.toml の [mail.recipients."蓬田村"] に宛先（to）がありません'
        in result.output
    )


# --- the manifest -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: "not json", "JSON として読めません"),
        (lambda m: {**m, "master_sha256": "abc"}, "master_sha256 が sha256 の形ではありません"),
        (lambda m: {k: v for k, v in m.items() if k != "towns"}, "towns がありません"),
        (
            lambda m: _with_file(
                m, {"name": "../secret.xlsx", "kind": "xlsx", "sha256": "0" * 64, "bytes": 1}
            ),
            "ファイル名が正しくありません（'../secret.xlsx'）",
        ),
        (
            lambda m: _with_file(
                m, {"name": "a.xlsx", "kind": "exe", "sha256": "0" * 64, "bytes": 1}
            ),
            "a.xlsx の kind は拡張子に合う xlsx か pdf です",
        ),
    ],
    ids=["not-json", "bad-sha", "no-towns", "path-in-name", "bad-kind"],
)
def test_bad_manifest_is_a_clear_error(
    area: Area, change: Callable[[dict[str, Any]], Any], message: str
) -> None:
    new = change(area.manifest())
    text = new if isinstance(new, str) else json.dumps(new, ensure_ascii=False)
    (area.dist / "manifest.json").write_text(text, encoding="utf-8")

    with pytest.raises(
        ManifestError, match=r"配布フォルダーの manifest\.json が正しくありません"
    ) as info:
        load_manifest(area.dist)
    assert message in info.value.message
    result = kohyo(area)
    assert result.exit_code == 2
    assert message in result.output


def _with_file(m: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    m["towns"]["平内町"]["files"].append(entry)
    return m


def test_latest_distribution_is_the_newest_manifest(area: Area) -> None:
    older = area.root / "out" / "配布_2026-12-01"  # a later name, but an older manifest
    older.mkdir()
    (older / "manifest.json").write_text((area.dist / "manifest.json").read_text("utf-8"), "utf-8")
    (area.root / "out" / "outbox").mkdir()  # no manifest: never a candidate
    os.utime(older / "manifest.json", ns=(1_000_000_000, 1_000_000_000))
    config = load_config(area.config_path)

    assert latest_distribution(config) == area.dist
    assert load_manifest(area.dist).towns["平内町"].projects == (1, 2)


# --- the address guard ------------------------------------------------------------------------


def test_address_guard_catches_extra_and_hidden_recipients(area: Area) -> None:
    config = load_config(area.config_path)
    to, cc = RECIPIENTS["今別町"]
    letter = Letter(
        "今別町", tuple(to), tuple(cc), (Attachment("a.pdf", "pdf", b"%PDF-1.4"),), (1, 3), DATE
    )
    msg = compose(config, letter, MailTemplates(config))
    allowed = configured_recipients(config, "今別町")

    assert address_problems(msg, letter.envelope, allowed) == []
    assert address_problems(msg, [*letter.envelope, "kikaku@hiranai.example.jp"], allowed) == [
        "ヘッダーにない宛先に送ろうとしています: kikaku@hiranai.example.jp",
        "設定にない宛先 kikaku@hiranai.example.jp が含まれています",
    ]
    msg["Bcc"] = "someone@example.com"
    assert "Bcc は使いません" in address_problems(msg, letter.envelope, allowed)
    assert "設定にない宛先 someone@example.com が含まれています" in address_problems(
        msg, letter.envelope, allowed
    )
