"""Line charts drawn on the server as inline SVG: the geometry, a sentence that says what
the chart shows, and the rows of its data table. No JavaScript, nothing fetched."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from aims.templatetags.aims_ui import when_text

from .registry import Chart

# A narrow canvas with large type: scaled down to a 390 px phone, the labels stay legible.
WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 14, 14, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# Each at least 4.5:1 against white (text-grade contrast, above the 3:1 graphics need), and
# each with its own dash pattern, so no line is told apart by colour alone.
STYLES = (
    ("#0b5cad", ""),
    ("#b3261e", "8 4"),
    ("#1e6b30", "2 3"),
    ("#6a3fb0", "10 3 2 3"),
    ("#8a4b00", "5 2"),
    ("#006570", "1 3"),
    ("#495057", "12 5"),
    ("#a01a5c", "3 6"),
)
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


@dataclass
class Line:
    label: str
    colour: str
    dash: str
    values: list[int | None]
    path: str = ""
    dots: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class ChartView:
    key: str
    title: str
    unit: str
    days: int
    summary: str
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    rows: list[tuple[date, list[int | None]]]
    demo_until: date | None  # the last day of demonstration history shown, if any
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def nice_top(peak: int) -> tuple[int, int]:
    """A round top of the scale at or above ``peak`` and its step (at most 5 intervals)."""
    for step in NICE_STEPS:
        top = max(step, -(-peak // step) * step)
        if top // step <= 5:
            return top, step
    return peak, max(1, peak // 5)


def _fmt(value: int | None, unit: str) -> str:
    return "no figure" if value is None else f"{value}{unit}"


def _trend(label: str, first: int, last: int, unit: str) -> str:
    if last > first:
        return f"{label} rose from {first}{unit} to {last}{unit}"
    if last < first:
        return f"{label} fell from {first}{unit} to {last}{unit}"
    return f"{label} stayed at {last}{unit}"


def summary_text(chart: Chart, labels: list[str], rows, days: int) -> str:
    """One sentence for people who do not see the chart: 'Readiness rose from 62% to 71%
    over 90 days.'"""
    if not rows:
        return f"No snapshot was taken in the last {days} days."
    first_day, last_day = rows[0][0], rows[-1][0]
    if first_day == last_day:
        values = rows[-1][1]
        parts = [f"{label} {_fmt(v, chart.unit)}" for label, v in zip(labels, values, strict=True)]
        return f"One snapshot in the period, on {when_text(last_day)}: " + "; ".join(parts) + "."
    span = (last_day - first_day).days
    parts = []
    for n, label in enumerate(labels):
        known = [r[1][n] for r in rows if r[1][n] is not None]
        if known:
            parts.append(_trend(label, known[0], known[-1], chart.unit))
    if len(parts) == 1:
        return f"{parts[0]} over {span} days."
    return f"Over {span} days: " + "; ".join(parts) + "."


def build(chart: Chart, snapshots, *, today: date, days: int) -> ChartView:
    """The chart of ``snapshots`` (ordered by day, the period's only) from ``today - days + 1``
    to ``today``; days without a snapshot are left as gaps in time, not invented."""
    start = today - timedelta(days=days - 1)
    series = list(chart.series)
    if chart.hide_empty:
        used = [s for s in series if any(snap.figures.get(s.key) for snap in snapshots)]
        series = used or series[:1]
    rows = [(snap.day, [snap.figures.get(s.key) for s in series]) for snap in snapshots]
    peak = max((v for _, values in rows for v in values if v is not None), default=0)
    top, step = (chart.maximum, 25) if chart.maximum else nice_top(max(peak, 1))

    def x(day: date) -> float:
        return round(LEFT + PLOT_W * (day - start).days / max(1, days - 1), 1)

    def y(value: int) -> float:
        return round(TOP + PLOT_H * (1 - value / top), 1)

    lines = []
    for n, s in enumerate(series):
        colour, dash = STYLES[n % len(STYLES)]
        points = [(x(day), y(values[n])) for day, values in rows if values[n] is not None]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px},{py}" for i, (px, py) in enumerate(points))
        # A lone point draws no line: a dot shows it (and the last point of every line).
        dots = points if len(points) == 1 else points[-1:]
        lines.append(Line(s.label, colour, dash, [v[n] for _, v in rows], path, dots))
    y_ticks = [(y(v), f"{v}{chart.unit}") for v in range(0, top + 1, step)]
    middle = start + timedelta(days=(days - 1) // 2)
    x_ticks = [(x(d), f"{d:%-d %b}") for d in (start, middle, today)]
    demo_days = [s.day for s in snapshots if s.origin == "demo"]
    return ChartView(
        key=chart.key,
        title=chart.title,
        unit=chart.unit,
        days=days,
        summary=summary_text(chart, [s.label for s in series], rows, days),
        lines=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        rows=rows,
        demo_until=max(demo_days) if demo_days else None,
    )
