"""Render `ReportData` into one self-contained HTML file: one autoescaped jinja2 template, CSS inlined, no script.

The template and its stylesheet live in the top-level `reports/` folder (`auditor/_data/reports` in a wheel).
Autoescaping is on for every value and no template marks anything from the run as safe: app texts, stack frames,
process names and error messages are the app's words and may be written to attack whoever opens the report.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from auditor.report import wording
from auditor.report.data import ReportData
from auditor.resources import data_dir

TEMPLATE = "report.html.j2"
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""Everything the report shows is inside it: no script may run and nothing may be fetched, whatever the page holds."""


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(data_dir("reports")),
        autoescape=True,
        # A misspelt field must fail the render, not leave a silent gap in evidence.
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(data: ReportData) -> str:
    other = wording.other_lang(data.lang)
    return environment().get_template(TEMPLATE).render(
        report=data, t=wording.labels(data.lang), o=wording.labels(other), other_lang=wording.html_lang(other),
        csp=CONTENT_SECURITY_POLICY,
    )
