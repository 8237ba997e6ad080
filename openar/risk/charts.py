"""Server-side SVG charts (no JavaScript): usable in pages and PDFs alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

CLASS_COLOURS = {"A": "#1a7f37", "B": "#57a55a", "C": "#d4a72c", "D": "#e16f24", "E": "#cf222e"}


def score_trend_svg(
    points: Sequence[tuple[dt.date, int, str]],
    *,
    cutoffs: Sequence[int],
    width: int = 360,
    height: int = 120,
    title: str = "",
) -> str:
    """A line of scores (0-1000) over time with the class cut-offs as faint bands."""
    pad_l, pad_r, pad_t, pad_b = 34, 8, 8, 18
    w, h = width - pad_l - pad_r, height - pad_t - pad_b

    def y(score: float) -> float:
        return pad_t + h * (1 - score / 1000)

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="risk-trend" '
        f'viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for cut in cutoffs:
        parts.append(
            f'<line x1="{pad_l}" x2="{pad_l + w}" y1="{y(cut):.1f}" y2="{y(cut):.1f}" '
            'stroke="#d0d7de" stroke-dasharray="3 3"/>'
        )
    for value in (0, 500, 1000):
        parts.append(
            f'<text x="{pad_l - 4}" y="{y(value) + 3:.1f}" text-anchor="end" font-size="9" '
            f'fill="#57606a">{value}</text>'
        )
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)

        def x(day: dt.date) -> float:
            if len(points) == 1:
                return pad_l + w / 2
            return pad_l + w * (day - first).days / span

        coords = " ".join(f"{x(d):.1f},{y(s):.1f}" for d, s, _ in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#0969da" stroke-width="2"/>')
        for d, s, cls in points:
            colour = CLASS_COLOURS.get(cls, "#57606a")
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(s):.1f}" r="3" fill="{colour}">'
                f"<title>{d.isoformat()}: {s} ({escape(cls)})</title></circle>"
            )
        parts.append(
            f'<text x="{pad_l}" y="{height - 4}" font-size="9" fill="#57606a">'
            f"{first.isoformat()}</text>"
        )
        if len(points) > 1:
            parts.append(
                f'<text x="{pad_l + w}" y="{height - 4}" font-size="9" fill="#57606a" '
                f'text-anchor="end">{last.isoformat()}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def class_bars_svg(
    counts: dict[str, int], *, width: int = 420, height: int = 160, title: str = ""
) -> str:
    """Customers per class, one bar per class A-E."""
    pad_b, pad_t = 22, 16
    total_h = height - pad_b - pad_t
    top = max(counts.values(), default=0) or 1
    bar_w = width / 5
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="risk-classes" '
        f'viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, cls in enumerate("ABCDE"):
        n = counts.get(cls, 0)
        bh = total_h * n / top
        x = i * bar_w + bar_w * 0.15
        y = pad_t + total_h - bh
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.7:.1f}" height="{bh:.1f}" '
            f'fill="{CLASS_COLOURS[cls]}"><title>{cls}: {n}</title></rect>'
        )
        parts.append(
            f'<text x="{x + bar_w * 0.35:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#24292f">{n}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w * 0.35:.1f}" y="{height - 6}" font-size="11" '
            'text-anchor="middle" '
            f'font-weight="600" fill="#24292f">{cls}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
