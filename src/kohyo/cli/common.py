"""What every command shares: --config, --lang, the MASTER argument, output, errors."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kohyo.config import Config, find_config, load_config
from kohyo.errors import KohyoError
from kohyo.messages import t

F = TypeVar("F", bound=Callable[..., Any])


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        os.environ["KOHYO_LANG"] = value
    return value


def common_options(func: F) -> F:
    """--config and --lang, on every command."""
    func = click.option(
        "--lang",
        type=click.Choice(["ja", "en"]),
        callback=_set_lang,
        expose_value=False,
        is_eager=True,
        help="メッセージの言語 (ja/en)。環境変数 KOHYO_LANG でも指定できます。",
    )(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=True),
        default=None,
        help="設定ファイル config.toml の場所。省くと、今のフォルダー、マスターのフォルダー、"
        "その上のフォルダーの順に探します。",
    )(func)
    return func


def json_option(help: str = "結果を JSON で出力します（プログラム向け）。") -> Callable[[F], F]:
    """--json, a flag passed as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def towns_option(help: str) -> Callable[[F], F]:
    """--town NAME, which may be repeated, passed as the tuple ``towns``."""
    return click.option("--town", "towns", multiple=True, metavar="NAME", help=help)


def folder_option(*decls: str, help: str) -> Callable[[F], F]:
    """An option naming a folder (which need not exist yet), passed as a Path."""
    return click.option(*decls, type=click.Path(path_type=Path, file_okay=False), help=help)


def master_argument(func: F) -> F:
    return click.argument("master", required=False, type=click.Path(path_type=Path, dir_okay=True))(
        func
    )


def config_for(config_path: Path | None, master: Path | None = None) -> Config:
    """--config, or the config.toml found from the current folder and *master*'s folder."""
    return load_config(config_path if config_path is not None else find_config(master))


def resolve(config_path: Path | None, master: Path | None) -> tuple[Config, Path]:
    config = config_for(config_path, master)
    return config, (master if master is not None else config.paths.master)


def emit_json(obj: Any) -> None:
    """UTF-8 JSON on stdout whatever the console's code page (cp932 on Windows)."""
    data = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    out = sys.stdout  # click.get_text_stream is deprecated in click 8.2+
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data.encode("utf-8"))
        buffer.flush()
    else:
        out.write(data)


EXIT_INTERRUPTED = 130


def fail(message: str, code: int = 2) -> None:
    click.echo(t("cli.error", message=message), err=True)
    raise click.exceptions.Exit(code)


def guarded(func: F) -> F:
    """Turn a KohyoError into one message and its exit code; never show a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KohyoError as exc:
            fail(exc.message, exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C: the shell's convention, 128 + SIGINT
            fail(t("cli.interrupted"), EXIT_INTERRUPTED)
        except Exception:  # the last line of defence: log it, say so plainly
            log = Path(tempfile.gettempdir()) / "kohyo-error.log"
            try:
                log.write_text(traceback.format_exc(), encoding="utf-8")
                where = t("cli.unexpected.log", log=log)
            except OSError:
                where = ""
            fail(t("cli.unexpected", where=where).rstrip(), 2)
        return None

    return wrapper  # type: ignore[return-value]


def configure_streams() -> None:
    """A cp932 console must not crash on — or ⇒: replace what it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
