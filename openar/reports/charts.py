"""Charts as inline SVG, drawn on the server: no script, no CDN, the same markup in a page and
in a PDF. Three shapes cover the dashboards and the packs: lines, stacked bars and horizontal
bars. Each point carries a ``<title>`` so hovering shows its value.

Written out rather than through a charting library because a dashboard draws four charts in a
few milliseconds this way (a library took about 60 ms a chart)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

Number = float | int | Decimal
Format = Callable[[float], str]

PALETTE = ("#1f5fbf", "#c0362c", "#2e9e6a", "#f29933", "#7a5cc7", "#667085")
BUCKET_COLORS = (
    "#2e9e6a",
    "#8bc34a",
    "#f2c12e",
    "#f29933",
    "#e5622e",
    "#c0362c",
    "#8e2420",
    "#5b1714",
)

_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 12, 12, 46
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]
    color: str


def compact(value: float) -> str:
    """1234567 -> 1.2M: axis labels that fit."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}" if magnitude >= 10 or value == int(value) else f"{value:.1f}"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * i for i in range(math.ceil(top / step - 1e-9) + 1)]


def _frame(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">'
        + "".join(body)
        + "</svg>"
    )


def _y_axis(
    ticks: list[float], width: int, height: int, fmt: Format
) -> tuple[list[str], Callable[[float], float]]:
    plot_h = height - _TOP - _BOTTOM
    top = ticks[-1] or 1

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - value / top)

    out = []
    for tick in ticks:
        ty = y(tick)
        out.append(
            f'<line x1="{_LEFT}" x2="{width - _RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#e4e8ee" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#667085" {_FONT}>'
            f"{escape(fmt(tick))}</text>"
        )
    return out, y


def _x_labels(labels: Sequence[str], xs: Sequence[float], height: int) -> list[str]:
    step = max(1, math.ceil(len(labels) / 10))  # at most ten labels along the axis
    return [
        f'<text x="{x:.1f}" y="{height - _BOTTOM + 16}" text-anchor="middle" fill="#667085" '
        f"{_FONT}>{escape(label)}</text>"
        for i, (label, x) in enumerate(zip(labels, xs, strict=True))
        if (len(labels) - 1 - i) % step == 0  # counted from the newest, which always shows
    ]


def _legend(series: Sequence[Series], width: int, height: int) -> list[str]:
    out, x = [], float(_LEFT)
    for s in series:
        out.append(
            f'<rect x="{x:.1f}" y="{height - 16}" width="10" height="10" rx="2" fill="{s.color}"/>'
            f'<text x="{x + 14:.1f}" y="{height - 7}" fill="#344054" {_FONT}>'
            f"{escape(s.name)}</text>"
        )
        x += 24 + 6.5 * len(s.name)
    return out


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    label: str,
    fmt: Format = compact,
    width: int = 640,
    height: int = 240,
) -> str:
    """One line per series over ``labels``; a None value leaves a gap."""
    values = [float(v) for s in series for v in s.values if v is not None]
    ticks = nice_ticks(max(values, default=0))
    body, y = _y_axis(ticks, width, height, fmt)
    n = len(labels)
    plot_w = width - _LEFT - _RIGHT
    xs = [_LEFT + (plot_w * (i + 0.5) / n if n else 0) for i in range(n)]
    body += _x_labels(labels, xs, height)
    for s in series:
        points = [
            (xs[i], y(float(v)), v, labels[i]) for i, v in enumerate(s.values) if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2.2" '
                'stroke-linejoin="round"/>'
            )
        for px, py, v, lab in points:
            body.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{s.color}">'
                f"<title>{escape(s.name)} · {escape(lab)}: {escape(fmt(float(v)))}</title></circle>"
            )
    body += _legend(series, width, height)
    return _frame(width, height, label, body)


def stacked_bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    label: str,
    fmt: Format = compact,
    width: int = 640,
    height: int = 240,
) -> str:
    """A bar per label, each series stacked in order from the bottom."""
    totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(labels))]
    ticks = nice_ticks(max(totals, default=0))
    body, y = _y_axis(ticks, width, height, fmt)
    n = len(labels)
    plot_w = width - _LEFT - _RIGHT
    slot = plot_w / n if n else plot_w
    bar = max(2.0, slot * 0.68)
    xs = [_LEFT + slot * (i + 0.5) for i in range(n)]
    body += _x_labels(labels, xs, height)
    for i, x in enumerate(xs):
        base = 0.0
        for s in series:
            value = float(s.values[i] or 0)
            if value <= 0:
                continue
            top, bottom = y(base + value), y(base)
            body.append(
                f'<rect x="{x - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                f'height="{max(bottom - top, 0.5):.1f}" fill="{s.color}">'
                f"<title>{escape(labels[i])} · {escape(s.name)}: {escape(fmt(value))}</title>"
                "</rect>"
            )
            base += value
    body += _legend(series, width, height)
    return _frame(width, height, label, body)


def hbar_chart(
    items: Sequence[tuple[str, Number]],
    *,
    label: str,
    fmt: Format = compact,
    color: str = PALETTE[0],
    width: int = 640,
    row: int = 26,
) -> str:
    """A horizontal bar per item, labelled on the left, value at the bar's end."""
    height = max(row * len(items) + 8, 40)
    left = 150
    top_value = max((float(v) for _, v in items), default=0) or 1
    plot_w = width - left - 70
    body = []
    for i, (name, value) in enumerate(items):
        y = 4 + i * row
        w = plot_w * float(value) / top_value
        short = name if len(name) <= 24 else name[:23] + "…"
        body.append(
            f'<text x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" fill="#344054" '
            f"{_FONT}>{escape(short)}</text>"
            f'<rect x="{left}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 10}" rx="3" '
            f'fill="{color}"><title>{escape(name)}: {escape(fmt(float(value)))}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" fill="#667085" {_FONT}>'
            f"{escape(fmt(float(value)))}</text>"
        )
    return _frame(width, height, label, body)
