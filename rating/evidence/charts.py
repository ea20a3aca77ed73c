"""Chart images for the PDF: a small SVG per office, written directly.

Only numbers and cycle names go inside the images; every word in Bengali or English stays in
the HTML around them, where WeasyPrint shapes Bengali correctly (it does not inside SVG,
Kozea/WeasyPrint#2249). Written by hand rather than with matplotlib: a district pack has
~150 charts, and matplotlib's 0.25-0.3 s each would by itself use the 30 s budget.
"""

from markupsafe import escape

BLUE = "#0b5cad"
ORANGE = "#d35400"  # letters, meetings and appeals, as on the staff charts
WIDTH, HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 10, 34


def trend_svg(cycle_names: list[str], cells: list, actions: list[float] = ()) -> str:
    """Cycle means with their 95% band (published cells only; gaps where withheld); each
    action (its place on the cycle axis) a dashed line with a triangle at the top."""
    count = max(len(cycle_names), 1)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(position: float) -> float:
        return LEFT + plot_width * (position + 0.5) / count

    def y(score: float) -> float:
        return TOP + plot_height * (10 - score) / 9

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'font-family="Noto Sans, sans-serif" font-size="11">']
    for score in (1, 4, 7, 10):  # few labels: a district pack draws ~150 of these charts
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(score):.1f}" '
                     f'y2="{y(score):.1f}" stroke="#e3e3e3" stroke-width="0.8"/>'
                     f'<text x="{LEFT - 6}" y="{y(score) + 4:.1f}" text-anchor="end" '
                     f'fill="#444">{score}</text>')
    for position, name in enumerate(cycle_names):
        parts.append(f'<text x="{x(position):.1f}" y="{HEIGHT - 12}" text-anchor="middle" '
                     f'fill="#444">{escape(name)}</text>')
    runs, run = [], []
    for position, cell in enumerate(cells):
        if cell is not None and cell.publishable and cell.mean is not None:
            run.append((position, cell))
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    for run in runs:  # a withheld cycle breaks the line and the band: no interpolation
        if len(run) == 1 and run[0][1].ci95:  # a lone cycle: its interval as a bar
            position, cell = run[0]
            parts.append(f'<line x1="{x(position):.1f}" x2="{x(position):.1f}" '
                         f'y1="{y(cell.ci95[0]):.1f}" y2="{y(cell.ci95[1]):.1f}" '
                         f'stroke="{BLUE}" stroke-opacity="0.4" stroke-width="8"/>')
        upper = [(x(p), y(c.ci95[1] if c.ci95 else c.mean)) for p, c in run]
        lower = [(x(p), y(c.ci95[0] if c.ci95 else c.mean)) for p, c in reversed(run)]
        band = " ".join(f"{px:.1f},{py:.1f}" for px, py in upper + lower)
        parts.append(f'<polygon points="{band}" fill="{BLUE}" fill-opacity="0.18"/>')
        line = " ".join(f"{x(p):.1f},{y(c.mean):.1f}" for p, c in run)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" '
                     f'stroke-width="2"/>')
        parts.extend(f'<circle cx="{x(p):.1f}" cy="{y(c.mean):.1f}" r="3.5" fill="{BLUE}"/>'
                     for p, c in run)
    for position in actions:
        px = x(position)
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
                     f'stroke="{ORANGE}" stroke-width="1.2" stroke-dasharray="5,4"/>'
                     f'<polygon points="{px - 6:.1f},{TOP - 2} {px + 6:.1f},{TOP - 2} '
                     f'{px:.1f},{TOP + 8}" fill="{ORANGE}"/>')
    parts.append("</svg>")
    return "".join(parts)
