"""HTML building blocks: escaped text, tables, sections, figures.

Each function returns :class:`Html`, which notebooks display as rich output. Text that
comes from registers or config is always escaped, so a value such as ``<script>`` shows
as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

QUARTERS = ("I", "II", "III", "IV")  # the names of the triwulan, as the report writes them


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


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: Sequence[int] = (),
    caption: str = "", css_class: str = "data",
) -> Html:
    """Return an HTML table; cells are escaped unless they are :class:`Html`.

    Args:
        header: Column titles.
        rows: Cell values (already formatted as text).
        numeric: Indexes of right-aligned columns.
        caption: Optional caption above the table.
        css_class: Class of the table element.
    """
    def cell(tag: str, value: object, index: int) -> str:
        align = ' class="num"' if index in numeric else ""
        content = str(value) if isinstance(value, Html) else esc(value)
        return f"<{tag}{align}>{content}</{tag}>"

    head = "".join(cell("th", h, i) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", v, i) for i, v in enumerate(r)) + "</tr>" for r in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return Html(f'<div class="table-wrap"><table class="{css_class}">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div>")


def section(title: str, body: str, anchor: str = "") -> Html:
    """Return a titled section."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return Html(f"<section{ident}><h2>{esc(title)}</h2>{body}</section>")


def paragraphs(texts: Iterable[str]) -> str:
    """Return <p> elements; the texts are trusted (generated, with escaped parts)."""
    return "".join(f"<p>{t}</p>" for t in texts)


def figure(svg: str, caption: str) -> Html:
    """Wrap an inline SVG chart with its caption."""
    return Html(f'<figure class="chart">{svg}<figcaption>{esc(caption)}</figcaption></figure>')
