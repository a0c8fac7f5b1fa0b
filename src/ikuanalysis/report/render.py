"""Render the report's wording from Jinja2 templates (``report/templates/narasi/``).

An evaluator overrides a template by putting a file of the same name under
``<config_dir>/narasi/``; it is found before the package's own. Python computes the
figures and passes them already formatted; the templates hold every sentence.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ikuanalysis import paths
from ikuanalysis.config import ConfigError, Settings, load_settings
from ikuanalysis.report.html import Html

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates" / "narasi"
OVERRIDE_FOLDER = "narasi"


@lru_cache(maxsize=8)
def environment(config_dir: Path) -> jinja2.Environment:
    """Return the (cached) environment: the evaluator's ``narasi/`` first, then the package's."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(Path(config_dir) / OVERRIDE_FOLDER)),
        jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)),
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                             extensions=["jinja2.ext.do"], bytecode_cache=_bytecode_cache())
    env.filters["safe_html"] = Markup
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Return Jinja's cache of compiled templates (keyed by each template's source).

    Compiling the templates costs a third of a second per run; Jinja keeps the compiled
    code in a private folder of the system's temporary directory (checked to be the user's
    own, written atomically) and recompiles any template whose text changed. None when
    that folder cannot be used: the templates are then compiled each run.
    """
    try:
        return _QuietBytecodeCache()
    except (OSError, RuntimeError):
        return None


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache whose read or write failure (full or read-only temporary disk) only costs a compile."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """Return the project's configuration, for callers that pass no settings."""
    return load_settings()


def _where(template: jinja2.Template | None, name: str, config_dir: Path) -> str:
    filename = getattr(template, "filename", None)
    if filename:
        return filename
    override = Path(config_dir) / OVERRIDE_FOLDER / name
    return str(override if override.is_file() else PACKAGE_TEMPLATES / name)


def render_text(name: str, context: dict, config_dir: Path | None = None) -> str:
    """Render template ``name`` with ``context``; a template error is a :class:`ConfigError`.

    Args:
        name: File name under ``narasi/``, e.g. ``"ikhtisar.html.j2"``.
        context: Values already formatted as text; trusted HTML as :class:`Html` or ``Markup``.
        config_dir: The configuration folder (its ``narasi/`` holds overrides).

    Raises:
        ConfigError: The template is missing, invalid or uses an unknown variable (the
            message, in Bahasa Indonesia, names the template file).
    """
    folder = Path(config_dir) if config_dir else paths.CONFIG_DIR
    template = None
    try:
        template = environment(folder).get_template(name)
        return template.render(**context)
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"Templat narasi {exc.name} tidak ditemukan (dicari di {folder / OVERRIDE_FOLDER} "
                          f"dan {PACKAGE_TEMPLATES}).") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"{_where(template, name, folder)}: templat narasi memakai variabel yang tidak "
                          f"dikenal ({exc.message}). Lihat docs/narasi.md untuk variabel yang tersedia.") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"{exc.filename or _where(template, name, folder)}, baris {exc.lineno}: templat narasi "
                          f"tidak sah: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise ConfigError(f"{_where(template, name, folder)}: templat narasi gagal dibuat: {exc}") from None


def render_section(name: str, context: dict, config_dir: Path | None = None) -> Html:
    """Render template ``name`` (see :func:`render_text`) as trusted :class:`Html`."""
    return Html(render_text(name, context, config_dir))


def render_macro(name: str, macro: str, config_dir: Path | None, *args, **kwargs) -> Html:
    """Call ``macro`` of template ``name`` (e.g. a short phrase) and return its HTML."""
    folder = Path(config_dir) if config_dir else paths.CONFIG_DIR
    try:
        module = environment(folder).get_template(name).module
        return Html(str(getattr(module, macro)(*args, **kwargs)))
    except jinja2.TemplateError as exc:
        raise ConfigError(f"{_where(None, name, folder)}: templat narasi gagal dibuat: {exc}") from None
