"""A calibration plot written as plain SVG, so ``--plot`` needs no plotting library.

One reliability curve per model from the cross-validated predictions: each point is a
bin of predicted chance (x) against the share of those deals that were actually won (y).
A calibrated model sits on the diagonal.
"""

from __future__ import annotations

from html import escape

from unstuck.scoring.report import EvaluationReport

WIDTH, HEIGHT = 640, 520
LEFT, RIGHT, TOP, BOTTOM = 70, 200, 50, 60
# Colour-blind safe (Okabe-Ito), ours first.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]


def _x(p: float) -> float:
    return LEFT + p * (WIDTH - LEFT - RIGHT)


def _y(p: float) -> float:
    return HEIGHT - BOTTOM - p * (HEIGHT - TOP - BOTTOM)


def calibration_svg(report: EvaluationReport) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="24" font-size="15">Calibration, {report.folds}-fold '
        f"cross-validation: {escape(report.source)}</text>",
    ]
    for tick in range(6):
        v = tick / 5
        parts += [
            f'<line x1="{_x(0):.1f}" y1="{_y(v):.1f}" x2="{_x(1):.1f}" y2="{_y(v):.1f}" '
            'stroke="#e5e5e5"/>',
            f'<line x1="{_x(v):.1f}" y1="{_y(0):.1f}" x2="{_x(v):.1f}" y2="{_y(1):.1f}" '
            'stroke="#e5e5e5"/>',
            f'<text x="{_x(v):.1f}" y="{_y(0) + 18:.1f}" text-anchor="middle">{v:.1f}</text>',
            f'<text x="{_x(0) - 8:.1f}" y="{_y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>',
        ]
    parts += [
        f'<line x1="{_x(0):.1f}" y1="{_y(0):.1f}" x2="{_x(1):.1f}" y2="{_y(1):.1f}" '
        'stroke="#888" stroke-dasharray="5,4"/>',
        f'<text x="{(_x(0) + _x(1)) / 2:.1f}" y="{HEIGHT - 18}" text-anchor="middle">'
        "predicted chance of winning</text>",
        f'<text transform="translate(20 {(_y(0) + _y(1)) / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">share actually won</text>',
    ]
    for i, score in enumerate(report.cross_validation):
        colour = COLOURS[i % len(COLOURS)]
        points = " ".join(
            f"{_x(b.mean_predicted):.1f},{_y(b.observed):.1f}" for b in score.reliability
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        parts += [
            f'<circle cx="{_x(b.mean_predicted):.1f}" cy="{_y(b.observed):.1f}" r="3" '
            f'fill="{colour}"><title>{escape(score.label)}: {b.count} deals, predicted '
            f"{b.mean_predicted:.2f}, won {b.observed:.2f}</title></circle>"
            for b in score.reliability
        ]
        ly = TOP + 20 + 36 * i
        lx = WIDTH - RIGHT + 20
        parts += [
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 22}" y2="{ly}" stroke="{colour}" '
            'stroke-width="2"/>',
            f'<text x="{lx + 28}" y="{ly + 4}">{escape(score.label)}</text>',
            f'<text x="{lx + 28}" y="{ly + 18}" fill="#555">AUC {score.auc:.3f}, '
            f"Brier {score.brier:.3f}</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
