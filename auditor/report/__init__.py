"""The evidence report: report data built from a RunAnalysis first (`data`), then rendered by one autoescaped
template (`html`), and written next to the run's records with the machine-readable exports (`writer`); the
comparison of two runs (`diff`)."""

from auditor.report.data import ReportData, build_report
from auditor.report.html import render_html
from auditor.report.writer import FORMATS, Format, ReportPaths, parse_formats, write_reports

__all__ = ["FORMATS", "Format", "ReportData", "ReportPaths", "build_report", "parse_formats", "render_html",
           "write_reports"]
