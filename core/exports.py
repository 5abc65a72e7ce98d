"""Kinds of export that an app above the dashboard builds with the dashboard's machinery.

The dashboard stores every export built in the background (``dashboard.models.Export``):
it claims one, stamps its heartbeat, takes a stalled one over, sweeps the dead ones and
hands the file out inside its requester's scope. An app above it in the layers (honours'
year-end summary, 年度考核) cannot be imported by the dashboard, so it registers here, from
its ``AppConfig.ready()``, what only it knows: how to write the file, what the browser
saves it as, and where the requester is told to find it. The kernel only dispatches.

    from core import exports
    exports.register(exports.ExportKind("year_end", write=..., download_name=..., notice=...))
    exports.kind_for("year_end").write(export, path, progress)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExportKind:
    value: str  # the Export.kind it builds
    # write(export, path, progress): the file at ``path``, in the language already active;
    # ``progress(percent)`` also stamps the heartbeat.
    write: Callable[[object, Path, Callable[[int], None]], None]
    download_name: Callable[[object], str]  # the name the browser saves, in the reader's language
    # notice(export) -> (template, context, url): what the requester is told when it is ready.
    notice: Callable[[object], tuple[str, dict, str]]


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    """Install ``kind`` (registering again replaces it, so ready() may run twice)."""
    _KINDS[kind.value] = kind


def kind_for(value: str) -> ExportKind | None:
    """The registered kind ``value``; None for the dashboard's own kinds (or an app not installed)."""
    return _KINDS.get(value)
