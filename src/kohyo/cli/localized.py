"""Click speaking the catalogue's language: --help texts and usage errors.

Help texts live in the catalogue, not in the decorators: ``help.<command>`` for a command,
``help.<command>.<option>`` for one of its options, ``help.option.<option>`` for an option
every command shares. They are looked up when the help is shown, after ``--lang`` was read.

Click's own usage errors ("No such option", "Missing argument" …) are English; in Japanese
mode they are rebuilt from the exception's fields through the catalogue. Exit code 2 stays.
"""

from __future__ import annotations

import os
import re
from typing import Any, NoReturn

import click

from kohyo.messages import CATALOGUE, current_lang, t

__all__ = ["KohyoCommand", "LocalizedGroup", "localize_usage_error"]


def _help_key(*candidates: str) -> str | None:
    return next((k for k in candidates if k in CATALOGUE), None)


class _Localized:
    """What a command and the group share: help texts from the catalogue, Japanese headings."""

    help_name: str  # the first part of the command's help keys

    def localize_help(self, ctx: click.Context | None) -> None:
        cmd: click.Command = self  # type: ignore[assignment]
        key = _help_key(f"help.{self.help_name}")
        if key is not None:
            cmd.help = t(key)
        params = cmd.get_params(ctx) if ctx is not None else cmd.params
        for param in params:
            if isinstance(param, click.Option) and param.name is not None:
                key = _help_key(f"help.{self.help_name}.{param.name}", f"help.option.{param.name}")
                if key is not None:
                    param.help = t(key)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("help.option.help")
        return option  # type: ignore[no-any-return]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.localize_help(ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        self.localize_help(None)
        return super().get_short_help_str(limit)  # type: ignore[misc, no-any-return]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("usage.prefix"))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        cmd: click.Command = self  # type: ignore[assignment]
        rows = [
            record
            for param in cmd.get_params(ctx)
            if isinstance(param, click.Option) and (record := param.get_help_record(ctx))
        ]
        if rows:
            with formatter.section(t("help.section.options")):
                formatter.write_dl(rows)
        if isinstance(cmd, click.Group):
            cmd.format_commands(ctx, formatter)


class KohyoCommand(_Localized, click.Command):
    """A kohyo sub-command: ``@click.command("validate", cls=KohyoCommand)``."""

    @property
    def help_name(self) -> str:  # type: ignore[override]
        return self.name or ""


class LocalizedGroup(_Localized, click.Group):
    """The ``kohyo`` group: its usage errors, and those of every sub-command, go through
    :func:`localize_usage_error`."""

    help_name = "kohyo"

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section(t("help.section.commands")):
                formatter.write_dl(rows)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        _early_lang(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            _reraise(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            _reraise(exc)


def _early_lang(args: list[str]) -> None:
    """Apply ``--lang`` before click parses anything: a usage error found before the
    option's own callback runs (``validate --bad --lang en``), and ``-h --lang en``,
    speak the language asked for."""
    for i, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value in ("ja", "en"):
            os.environ["KOHYO_LANG"] = value


def _reraise(exc: click.UsageError) -> NoReturn:
    localized = localize_usage_error(exc)
    if localized is exc:
        raise exc
    raise localized from None


class _JapaneseUsageError(click.UsageError):
    """A usage error already in Japanese, shown with a Japanese usage line and hint."""

    def show(self, file: Any = None) -> None:
        ctx = self.ctx
        err = file is None
        if ctx is not None:
            usage = " ".join(ctx.command.collect_usage_pieces(ctx))
            click.echo(
                f"{t('usage.prefix')}{ctx.command_path} {usage}".rstrip(), file=file, err=err
            )
            names = ctx.help_option_names
            if names:
                option = max(names, key=len)
                hint = t("usage.hint", command=ctx.command_path, option=option)
                click.echo(hint, file=file, err=err)
            click.echo("", file=file, err=err)
        click.echo(t("cli.error", message=self.message), file=file, err=err)


def localize_usage_error(exc: click.UsageError) -> click.UsageError:
    """*exc* itself in English mode; else a Japanese usage error with the same exit code."""
    if current_lang() == "en" or isinstance(exc, _JapaneseUsageError):
        return exc
    localized = _JapaneseUsageError(_japanese_message(exc), exc.ctx)
    localized.exit_code = exc.exit_code  # type: ignore[misc]  # click sets it per instance too
    return localized


def _hint(exc: click.BadParameter) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx) if exc.ctx is not None else exc.param.name
    if hint is None:
        return ""
    return hint if isinstance(hint, str) else " / ".join(repr(h) for h in hint)


# Patterns as text: compiled (and cached by re) on the first usage error, not at start-up.
_DETAILS: list[tuple[str, str]] = [
    (r"^(?P<value>.*) is not (?:one of )?(?P<choices>'.*')\.$", "usage.not_one_of"),
    (r"^(?:File|Directory|Path) (?P<path>.*) does not exist\.$", "usage.path_missing"),
    (r"^(?P<value>.*) is not a valid integer(?: range)?\.$", "usage.not_integer"),
    (r"^(?P<value>.*) is not in the range (?P<range>.*)\.$", "usage.out_of_range"),
]

_MESSAGES: list[tuple[str, str]] = [
    (r"^Got unexpected extra arguments? \((?P<arguments>.*)\)\.?$", "usage.extra_arguments"),
    (r"^Option (?P<option>.+) requires an argument\.$", "usage.requires_argument"),
    (r"^Option (?P<option>.+) requires (?P<count>\d+) arguments\.$", "usage.requires_arguments"),
    (r"^Option (?P<option>.+) does not take a value\.$", "usage.takes_no_value"),
    (r"^No such command (?P<command>.+)\.$", "usage.no_such_command"),
]  # fmt: skip


def _match(text: str, table: list[tuple[str, str]]) -> str | None:
    for pattern, key in table:
        m = re.match(pattern, text)
        if m is not None:
            return t(key, **m.groupdict())
    return None


def _japanese_message(exc: click.UsageError) -> str:
    if isinstance(exc, click.NoSuchOption):
        text = t("usage.no_such_option", option=repr(exc.option_name))
        if exc.possibilities:
            options = ", ".join(repr(p) for p in sorted(exc.possibilities))
            text += " " + t("usage.did_you_mean", options=options)
        return text
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        what_key = f"usage.missing.{kind}"
        what = t(what_key) if what_key in CATALOGUE else kind
        return t("usage.missing", what=what, name=_hint(exc))
    if isinstance(exc, click.BadParameter):
        detail = _match(exc.message, _DETAILS) or exc.message
        return t("usage.invalid_value", param=_hint(exc), detail=detail)
    command = getattr(exc, "command_name", None)
    if command is not None and exc.message.startswith("No such command"):
        return t("usage.no_such_command", command=repr(command))
    return _match(exc.message, _MESSAGES) or exc.message
