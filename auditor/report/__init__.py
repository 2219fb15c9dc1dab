"""The evidence report: report data built from a RunAnalysis first (`data`), then rendered by one autoescaped
template (`html`), and written next to the run's records with findings.json (`writer`)."""

from auditor.report.data import ReportData, build_report
from auditor.report.html import render_html
from auditor.report.writer import ReportPaths, write_reports

__all__ = ["ReportData", "ReportPaths", "build_report", "render_html", "write_reports"]
