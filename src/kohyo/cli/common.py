"""What every command shares: --config, --lang, the MASTER argument, output, errors."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
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


def lang_option(func: F) -> F:
    """--lang, on every command (`init` has no config.toml to take yet, so only this)."""
    return click.option(
        "--lang",
        type=click.Choice(["ja", "en"]),
        callback=_set_lang,
        expose_value=False,
        is_eager=True,
    )(func)


def common_options(func: F) -> F:
    """--config and --lang, on every command."""
    func = lang_option(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=True),
        default=None,
    )(func)
    return func


def json_option() -> Callable[[F], F]:
    """--json, a flag passed as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True)


def towns_option() -> Callable[[F], F]:
    """--town NAME, which may be repeated, passed as the tuple ``towns``."""
    return click.option("--town", "towns", multiple=True, metavar="NAME")


def folder_option(*decls: str) -> Callable[[F], F]:
    """An option naming a folder (which need not exist yet), passed as a Path."""
    return click.option(*decls, type=click.Path(path_type=Path, file_okay=False))


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
    import json  # only the --json runs pay for it

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
            import traceback  # only when something went wrong

            try:
                log = write_crash_log(traceback.format_exc())
                where = t("cli.unexpected.log", log=log)
            except OSError:
                where = ""
            fail(t("cli.unexpected", where=where).rstrip(), 2)
        return None

    return wrapper  # type: ignore[return-value]


def cache_dir() -> Path:
    """kohyo's folder in the user's cache: ``%LOCALAPPDATA%\\kohyo`` or ``$XDG_CACHE_HOME/kohyo``."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kohyo"


def write_crash_log(text: str) -> Path:
    """Write one run's traceback to its own file in :func:`cache_dir`; return its path."""
    from datetime import datetime

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"error-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    n = 0
    while (folder / f"{stem}{f'_{n}' if n else ''}.log").exists():
        n += 1
    from kohyo.files.atomic import write_atomically  # only for the crash log

    return write_atomically(folder / f"{stem}{f'_{n}' if n else ''}.log", text.encode("utf-8"))


def configure_streams() -> None:
    """A cp932 console must not crash on — or ⇒: replace what it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
