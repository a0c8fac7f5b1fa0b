"""HTML building blocks: escaped text, tables, sections, figures.

Each function returns :class:`Html`, which notebooks display as rich output. Text that
comes from registers or config is always escaped, so a value such as ``<script>`` shows
as text, never as markup.
"""

from __future__ import annotations

from html import escape

QUARTERS = ("I", "II", "III", "IV")  # the names of the triwulan, as the report writes them
# The class of a chart's PNG copy, the picture the Word chapter uses (hidden on the page). Here, not in
# report.charts, so that the Word export reads it without importing matplotlib (≈1 s at every export).
WORD_PICTURE_CLASS = "word-picture"


class Html(str):
    """A string of trusted HTML that Jupyter displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)

    def __html__(self) -> str:
        """Mark the text as safe for Jinja2/markupsafe (no second escaping)."""
        return str(self)

    def __add__(self, other: str) -> "Html":
        return Html(str.__add__(self, other))


def esc(value: object) -> str:
    """Escape any value for HTML text and attributes."""
    return escape("" if value is None else str(value), quote=True)


def section(title: str, body: str, anchor: str = "") -> Html:
    """Return a titled section."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return Html(f"<section{ident}><h2>{esc(title)}</h2>{body}</section>")


def figure(svg: str, caption: str) -> Html:
    """Wrap an inline SVG chart with its caption."""
    return Html(f'<figure class="chart">{svg}<figcaption>{esc(caption)}</figcaption></figure>')
