"""Server-rendered SVG charts of the dashboard (no JavaScript library, nothing from a CDN).

A :class:`Chart` is the table a chart draws: a header for the categories, one name per series
and one :class:`Row` per category with a value (and a drill-down link) per series. The same
object gives the page's table beside the chart and the XLSX export (lianmeng.insight.exports).

:func:`bar_svg` draws horizontal bars (grouped, or stacked with ``chart.stacked``) — long
Chinese labels read best on the left of horizontal bars; :func:`line_svg` draws a line per
series over the rows (years), with the points of a sparse series (a target) marked. Every
drawing has ``role="img"`` with ``<title>`` and ``<desc>`` (what it shows, in words), every
bar and point is an ``<a>`` to the list behind it with its own ``<title>`` (label and value).
Colours and sizes are presentation attributes, not ``style`` (CSP forbids inline styles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

#: series colours (Bootstrap's palette, distinguishable in print and for most colour blindness)
COLOURS = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997", "#6c757d", "#ffc107")
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


@dataclass
class Row:
    label: str
    values: list[float | int | None]
    #: one drill-down address per value (None: no list behind it)
    links: list[str | None] = field(default_factory=list)

    def link(self, index: int) -> str | None:
        return self.links[index] if index < len(self.links) else None

    @property
    def cells(self) -> list[dict[str, object]]:
        """The table's cells: value, text as shown and the drill-down link."""
        return [
            {"value": "" if v is None else v, "text": _fmt(v), "link": self.link(i)}
            for i, v in enumerate(self.values)
        ]


@dataclass
class Chart:
    id: str
    title: str
    #: the header of the category column (级别, 年度 …)
    category: str
    series: list[str]
    rows: list[Row]
    unit: str = ""
    kind: str = "bar"  # bar | line
    stacked: bool = False
    note: str = ""
    #: what the page says when there are no rows
    empty: str = gettext_noop("所选年度没有数据。")

    def __post_init__(self) -> None:
        # the default sentence in the language of the request building the chart
        self.empty = gettext(self.empty) if self.empty else self.empty

    @property
    def headers(self) -> list[str]:
        if not self.unit:
            return [self.category, *self.series]
        return [
            self.category,
            *(
                gettext("%(series)s（%(unit)s）") % {"series": s, "unit": self.unit}
                for s in self.series
            ),
        ]

    def table(self) -> list[list[float | int | str | None]]:
        return [[row.label, *row.values] for row in self.rows]

    def total(self, index: int = 0) -> float:
        return sum((row.values[index] or 0) for row in self.rows if index < len(row.values))

    def svg(self) -> SafeString:
        if not self.rows:
            return mark_safe("")  # noqa: S308  # nosec B308 B703 (nothing to draw)
        return line_svg(self) if self.kind == "line" else bar_svg(self)


#: characters XML cannot hold (a label typed with a control character must not break the SVG)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    return escape(_NOT_XML.sub("", str(text)))


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{int(value):,}"


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _clip(text: str, width: float, size: float) -> str:
    if _text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if _text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(value)


def _describe(chart: Chart) -> str:
    parts = []
    for row in chart.rows[:30]:
        values = gettext("、").join(
            gettext("%(name)s%(value)s") % {"name": name, "value": _fmt(v)}
            if len(chart.series) > 1
            else _fmt(v)
            for name, v in zip(chart.series, row.values, strict=False)
        )
        parts.append(gettext("%(label)s：%(values)s") % {"label": row.label, "values": values})
    more = "……" if len(chart.rows) > 30 else ""
    unit = gettext("（单位：%(unit)s）") % {"unit": chart.unit} if chart.unit else ""
    return f"{chart.title}{unit}" + gettext("。") + gettext("；").join(parts) + more


def _open(chart: Chart, width: int, height: int) -> list[str]:
    tid, did = f"{chart.id}-svg-title", f"{chart.id}-svg-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lm-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{tid} {did}" data-chart="{_esc(chart.id)}" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="{tid}">{_esc(chart.title)}</title>',
        f'<desc id="{did}">{_esc(_describe(chart))}</desc>',
    ]


def _legend(chart: Chart, x: float, y: float) -> list[str]:
    out = []
    for index, name in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        out.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="#212529">{_esc(name)}</text>'
        )
        x += 14 + _text_width(name, 12) + 18
    return out


def bar_svg(chart: Chart, width: int = 640) -> SafeString:
    """Horizontal bars, one band per row; a band holds one bar per series (or one stacked bar)."""
    n_series = len(chart.series)
    per_band = 1 if chart.stacked or n_series == 1 else n_series
    bar_h = 16 if per_band == 1 else 11
    band_h = per_band * bar_h + 10
    legend_h = 22 if n_series > 1 else 0
    label_w = min(200.0, max(60.0, max(_text_width(r.label, 12) for r in chart.rows) + 8))
    value_w = 64
    plot_x, plot_w = label_w + 8, width - label_w - 8 - value_w
    top = 6 + legend_h
    height = int(top + band_h * len(chart.rows) + 24)
    if chart.stacked:
        peak = max(sum(v or 0 for v in r.values) for r in chart.rows)
    else:
        peak = max((v or 0) for r in chart.rows for v in r.values) if chart.rows else 0
    scale = plot_w / _nice_max(float(peak))
    out = _open(chart, width, height)
    if legend_h:
        out += _legend(chart, plot_x, 16)
    axis_y = top + band_h * len(chart.rows)
    top_value = _nice_max(float(peak))
    for tick in range(5):
        value = top_value * tick / 4
        x = plot_x + value * scale
        out.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{axis_y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{x:.1f}" y="{axis_y + 14:.1f}" text-anchor="middle" fill="#6c757d" '
            f'font-size="10">{_fmt(value)}</text>'
        )
    for index, row in enumerate(chart.rows):
        y = top + index * band_h + 5
        out.append(
            f'<text x="{label_w:.1f}" y="{y + per_band * bar_h / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#212529">{_esc(_clip(row.label, label_w - 4, 12))}</text>'
        )
        x = plot_x
        for s, value in enumerate(row.values):
            colour = COLOURS[s % len(COLOURS)]
            length = (value or 0) * scale
            by = y if chart.stacked or per_band == 1 else y + s * bar_h
            bx = x if chart.stacked else plot_x
            name = f"{chart.series[s]} " if n_series > 1 else ""
            tip = f"{row.label}：{name}{_fmt(value)}{chart.unit}"
            rect = (
                f'<rect x="{bx:.1f}" y="{by:.1f}" width="{max(length, 0.0):.1f}" '
                f'height="{bar_h - 2}" fill="{colour}"><title>{_esc(tip)}</title></rect>'
            )
            link = row.link(s)
            if link:
                rect = (
                    f'<a href="{_esc(link)}" aria-label="{_esc(tip)}" '
                    f'data-drill="{_esc(chart.id)}">{rect}</a>'
                )
            out.append(rect)
            if chart.stacked:
                x += length
            elif value is not None:
                out.append(
                    f'<text x="{bx + length + 4:.1f}" y="{by + bar_h - 4:.1f}" fill="#495057" '
                    f'font-size="11">{_fmt(value)}</text>'
                )
        if chart.stacked:
            total = sum(v or 0 for v in row.values)
            out.append(
                f'<text x="{x + 4:.1f}" y="{y + bar_h - 4:.1f}" fill="#495057" '
                f'font-size="11">{_fmt(total)}</text>'
            )
    out.append(
        f'<line x1="{plot_x:.1f}" y1="{top:.1f}" x2="{plot_x:.1f}" y2="{axis_y:.1f}" '
        f'stroke="#adb5bd"/></svg>'
    )
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 (every text is escaped)


def line_svg(chart: Chart, width: int = 640, height: int = 280) -> SafeString:
    """A line per series over the rows (years); a series with gaps (a target) is drawn as
    marked points joined where consecutive."""
    legend_h = 22
    left, right, top, bottom = 44, 16, 8 + legend_h, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(((v or 0) for r in chart.rows for v in r.values), default=0)
    top_value = _nice_max(float(peak))
    n = len(chart.rows)
    step = plot_w / max(n - 1, 1)
    out = _open(chart, width, height)
    out += _legend(chart, left, 16)
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - value / top_value * plot_h
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#6c757d" '
            f'font-size="10">{_fmt(value)}</text>'
        )
    every = max(1, n // 12)
    for index, row in enumerate(chart.rows):
        if index % every == 0 or index == n - 1:
            x = left + index * step
            out.append(
                f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#495057" '
                f'font-size="10">{_esc(row.label)}</text>'
            )
    for s, name in enumerate(chart.series):
        colour = COLOURS[s % len(COLOURS)]
        points = [
            (left + i * step, top + plot_h - (row.values[s] or 0) / top_value * plot_h, row, i)
            for i, row in enumerate(chart.rows)
            if s < len(row.values) and row.values[s] is not None
        ]
        dashed = ' stroke-dasharray="6 4"' if s > 0 else ""
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _r, _i in points)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>'
            )
        for x, y, row, _i in points:
            tip = f"{row.label}：{name} {_fmt(row.values[s])}{chart.unit}"
            dot = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{5 if s else 4}" fill="{colour}">'
                f"<title>{_esc(tip)}</title></circle>"
            )
            link = row.link(s)
            if link:
                dot = (
                    f'<a href="{_esc(link)}" aria-label="{_esc(tip)}" '
                    f'data-drill="{_esc(chart.id)}">{dot}</a>'
                )
            out.append(dot)
    out.append(
        f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{width - right}" y2="{top + plot_h:.1f}" '
        f'stroke="#adb5bd"/></svg>'
    )
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 (every text is escaped)
