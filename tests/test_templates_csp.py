"""Templates keep to the Content-Security-Policy (script-src and style-src 'self'): no inline
<script> or <style>, no on*= event attributes, no style= attributes, no hx-on (htmx would need
'unsafe-eval'), no javascript: URLs. A failure names the file and line to fix.

Emails and PDF templates are not served to a browser under the policy (an email client needs
inline styles; WeasyPrint renders the PDFs): they are left out.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NOT_BROWSER_PAGES = re.compile(r"(^|/)pdf/|_pdf\.html$|_email\.html$")

FORBIDDEN = {
    "inline <script> (put the code in a static file and load it with src=)": re.compile(
        r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I
    ),
    "inline <style> (put the rules in a static CSS file)": re.compile(r"<style\b", re.I),
    "event handler attribute (bind it from a static script)": re.compile(
        r"<[^>]*\son[a-z]+\s*=", re.I
    ),
    "style attribute (use a class of static/css/aims.css)": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "hx-on attribute (htmx evaluates it: needs 'unsafe-eval')": re.compile(r"\bhx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def browser_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not NOT_BROWSER_PAGES.search(relative):
            yield relative, path.read_text()


def test_the_walk_reads_the_templates():
    names = [name for name, _ in browser_templates()]
    assert "base.html" in names and "incidents/monitoring.html" in names
    assert not any("/pdf/" in name for name in names)


def test_templates_have_no_inline_script_style_or_handlers():
    problems = []
    for name, text in browser_templates():
        # Django comments may mention the forbidden forms; they are not sent to the browser.
        text = re.sub(r"\{#.*?#\}", lambda m: " " * len(m.group()), text)
        text = re.sub(
            r"\{% comment %\}.*?\{% endcomment %\}",
            lambda m: re.sub(r"[^\n]", " ", m.group()),
            text,
            flags=re.S,
        )
        for why, pattern in FORBIDDEN.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"templates/{name}:{line}: {why}")
    assert not problems, "\n".join(problems)


def test_the_check_catches_each_forbidden_form():
    samples = {
        "<script>alert(1)</script>": "inline <script>",
        "<style>p{}</style>": "inline <style>",
        '<button onclick="go()">': "event handler",
        '<div class="x" style="width: 5%">': "style attribute",
        '<a hx-on:click="x()">': "hx-on",
        '<a href="javascript:void(0)">': "javascript:",
    }
    for sample, kind in samples.items():
        assert any(k.startswith(kind) and p.search(sample) for k, p in FORBIDDEN.items()), sample
    assert not any(p.search('<script src="/static/x.js"></script>') for p in FORBIDDEN.values())
