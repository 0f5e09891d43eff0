"""The review's charts as inline SVG strings, built here so the report needs no plotting
library and no network: value by stage coloured by stuckness, and the let-go candidates'
expected value per week against the pipeline's median."""

from __future__ import annotations

from html import escape

from unstuck.review.model import BANDS, LetGo, StageBar

# Calm green for moving deals, amber for stuck, brick red for badly stuck. Distinct in
# greyscale print too (light, middle, dark).
BAND_COLOURS = {"moving": "#7fbf9a", "stuck": "#e9a23b", "badly_stuck": "#b83a3a"}
BAND_LABELS = {"moving": "Moving", "stuck": "Stuck", "badly_stuck": "Badly stuck"}
INK, MUTED, RULE = "#1f2933", "#6b7785", "#e4e7eb"


def compact(value: float) -> str:
    """1,234 -> 1.2k; 1,234,567 -> 1.2M: short labels for chart ends."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    return f"{value:,.0f}"


def _open(width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Inter, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">'
    )


def stage_chart(bars: tuple[StageBar, ...], width: int = 680) -> str:
    """One horizontal bar per stage: value split into moving, stuck and badly stuck."""
    label_w, right_w, row, top = 110, 190, 34, 34
    height = top + row * max(len(bars), 1) + 16
    plot = width - label_w - right_w
    biggest = max((bar.total_value for bar in bars), default=0.0) or 1.0
    parts = [_open(width, height, "Open value by stage, coloured by how stuck it is")]
    x = label_w
    for band in BANDS:  # the legend
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{BAND_COLOURS[band]}"/>'
            f'<text x="{x + 17}" y="16" fill="{MUTED}">{BAND_LABELS[band]}</text>'
        )
        x += 17 + 8 * len(BAND_LABELS[band]) + 18
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 16}" text-anchor="end" fill="{INK}">'
            f"{escape(bar.stage)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{plot}" height="18" fill="#f5f7f9" rx="3"/>'
        )
        x0 = float(label_w)
        for band in BANDS:
            w = plot * bar.value[band] / biggest
            if w <= 0:
                continue
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 3}" width="{w:.1f}" height="18" '
                f'fill="{BAND_COLOURS[band]}"><title>{escape(bar.stage)}: {bar.deals[band]} '
                f"{BAND_LABELS[band].lower()}, {bar.value[band]:,.0f}</title></rect>"
            )
            x0 += w
        stuck = bar.deals["stuck"] + bar.deals["badly_stuck"]
        parts.append(
            f'<text x="{label_w + plot + 10}" y="{y + 16}" fill="{INK}">'
            f'<tspan font-weight="600">{compact(bar.total_value)}</tspan>'
            f'<tspan fill="{MUTED}"> · {bar.total_deals} deals, {stuck} stuck</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def let_go_chart(let_go: LetGo, limit: int = 10, width: int = 680) -> str:
    """Expected value per remaining week of each candidate, against the median."""
    cases = let_go.cases[:limit]
    label_w, right_w, row, top = 170, 90, 26, 30
    height = top + row * max(len(cases), 1) + 22
    plot = width - label_w - right_w
    median = let_go.median_ev_per_week
    scale = max([median, *[c.economics.ev_per_week for c in cases]]) or 1.0
    mx = label_w + plot * median / scale
    parts = [_open(width, height, "Expected value per remaining week against the median")]
    parts.append(
        f'<text x="{label_w}" y="16" fill="{MUTED}">Expected value per remaining week; the '
        f"line is the pipeline's median ({compact(median)} a week)</text>"
    )
    for index, case in enumerate(cases):
        y = top + index * row
        w = plot * case.economics.ev_per_week / scale
        colour = BAND_COLOURS["badly_stuck"] if case.ratio < 0.25 else BAND_COLOURS["stuck"]
        name = case.deal if len(case.deal) <= 24 else case.deal[:23] + "…"
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 14}" text-anchor="end" fill="{INK}">'
            f"{escape(name)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1.5):.1f}" height="14" rx="2" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + max(w, 1.5) + 6:.1f}" y="{y + 14}" fill="{MUTED}">'
            f"{compact(case.economics.ev_per_week)}</text>"
        )
    bottom = top + row * max(len(cases), 1)
    tx = label_w + plot * median * let_go.ratio / scale
    parts.append(
        f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{bottom}" stroke="{MUTED}" '
        'stroke-dasharray="2 3"/>'
        f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{MUTED}">'
        f"{let_go.ratio:.0%}</text>"
    )
    parts.append(
        f'<line x1="{mx:.1f}" y1="{top - 4}" x2="{mx:.1f}" y2="{bottom}" stroke="{INK}" '
        'stroke-dasharray="4 3"/>'
        f'<text x="{mx:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{INK}">median</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["BAND_COLOURS", "BAND_LABELS", "compact", "let_go_chart", "stage_chart"]
