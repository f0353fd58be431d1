"""The colours aims.css sets for text meet WCAG 2.1 AA (4.5:1) on the backgrounds they sit on,
computed from the stylesheet itself (the browser suite's axe run checks the rendered pages)."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "aims.css").read_text()
PAGE, WHITE, BAR = "#f6f7f9", "#ffffff", "#0b5394"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def declared(variable: str, scope: str = ":root") -> str:
    """The last value ``scope`` gives ``variable`` in aims.css."""
    blocks = re.findall(re.escape(scope) + r"\s*\{([^}]*)\}", CSS)
    values = [
        m
        for block in blocks
        for m in re.findall(re.escape(variable) + r":\s*(#[0-9a-fA-F]{6})", block)
    ]
    assert values, f"{scope} sets no {variable}"
    return values[-1].lower()


@pytest.mark.parametrize(
    ("scope", "variable"),
    [
        (":root", "--bs-link-color"),
        (":root", "--bs-primary"),
        (":root", "--bs-secondary-color"),
        (":root", "--bs-code-color"),
        (":root", "--bs-danger"),
        (":root", "--bs-success"),
        (":root", "--bs-form-invalid-color"),
        (".btn-outline-primary", "--bs-btn-color"),
        (".btn-outline-secondary", "--bs-btn-color"),
        (".btn-outline-danger", "--bs-btn-color"),
        (".btn-outline-success", "--bs-btn-color"),
    ],
)
def test_text_colours_reach_4_5_to_1_on_the_page_and_on_white(scope, variable):
    colour = declared(variable, scope)
    assert contrast(colour, PAGE) >= 4.5 and contrast(colour, WHITE) >= 4.5, colour


def test_white_text_on_primary_buttons_and_the_menu_links_on_the_bar():
    assert contrast(WHITE, declared("--bs-btn-bg", ".btn-primary")) >= 4.5
    # The menu's links are white at 85% opacity over the bar: blend, then measure.
    alpha = float(re.search(r"--bs-navbar-color:\s*rgba\(255, 255, 255, ([.\d]+)\)", CSS)[1])
    bar = [int(BAR[i : i + 2], 16) for i in (1, 3, 5)]
    blended = "#" + "".join(f"{round(alpha * 255 + (1 - alpha) * c):02x}" for c in bar)
    assert contrast(blended, BAR) >= 4.5, blended
