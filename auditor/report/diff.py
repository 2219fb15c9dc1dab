"""Two runs compared: which findings the new run no longer shows (fixed), which it shows for the first time (new),
and which both show (persisting). This is how a team shows a regulator it rectified the named violations.

Findings are matched by what they are about, not by ids: rule, API entry (or, for a finding about the interface,
its subject), caller (SDK, else origin) and phase. Both runs are judged by this tool's rules, so that a rule
changed since the old run cannot pass for a fix. A finding that disappeared is only "not proven" fixed when the
new run could not have seen it: its hook failed or was never installed, or the new run did not complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor import __version__
from auditor.analysis import RunAnalysis
from auditor.describe import describe_caller
from auditor.models import SEVERITY_ORDER, Finding, RunEnded, Text
from auditor.report import wording
from auditor.report.html import CONTENT_SECURITY_POLICY, environment
from auditor.report.wording import Lang
from auditor.store import Verification

DIFF_TEMPLATE = "diff.html.j2"

FindingKey = tuple[str, str, str, str]
"""(rule, entry or subject, caller, phase)."""


def finding_key(finding: Finding) -> FindingKey:
    caller = (finding.caller.sdk or finding.caller.origin) if finding.caller else ""
    return (finding.rule, finding.entry or finding.subject or "", caller, finding.phase)


@dataclass(frozen=True)
class RunSide:
    directory: str
    run_id: str
    package: str
    label: str
    version: str
    scenario: str
    scenario_sha256: str
    started_at: str
    status: str
    """The run-end status, or `missing`."""
    manifest_sha256: str
    intact: bool
    integrity: Verification


@dataclass(frozen=True)
class Change:
    """One finding on either side of the comparison."""

    key: FindingKey
    old: Finding | None
    new: Finding | None
    unproven: list[Text] = field(default_factory=list)
    """Why a finding's absence from the new run does not prove it fixed."""

    @property
    def finding(self) -> Finding:
        found = self.new or self.old
        assert found is not None
        return found


@dataclass(frozen=True)
class RunDiff:
    old: RunSide
    new: RunSide
    fixed: list[Change]
    added: list[Change]
    persisting: list[Change]
    warnings: list[Text]

    @property
    def has_new_findings(self) -> bool:
        return bool(self.added)


def diff_runs(old: RunAnalysis, new: RunAnalysis, old_check: Verification, new_check: Verification) -> RunDiff:
    before = {finding_key(f): f for f in old.analysis.findings if f.suppressed is None}
    after = {finding_key(f): f for f in new.analysis.findings if f.suppressed is None}
    new_side = _side(new, new_check)
    blind = _blind_entries(new)
    fixed = [Change(key, finding, None, _unproven(finding, blind, new_side)) for key, finding in before.items()
             if key not in after]
    added = [Change(key, None, finding) for key, finding in after.items() if key not in before]
    persisting = [Change(key, before[key], finding) for key, finding in after.items() if key in before]
    return RunDiff(
        old=_side(old, old_check),
        new=new_side,
        fixed=_ordered(fixed),
        added=_ordered(added),
        persisting=_ordered(persisting),
        warnings=_warnings(old, new, old_check, new_check),
    )


def _ordered(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (SEVERITY_ORDER[c.finding.severity], c.key))


def _side(result: RunAnalysis, check: Verification) -> RunSide:
    meta = result.run.meta
    ended = next((m for m in reversed(result.run.markers) if isinstance(m, RunEnded)), None)
    return RunSide(
        directory=str(result.run.directory),
        run_id=meta.run_id,
        package=meta.app.package,
        label=meta.app.label,
        version=meta.app.version_name,
        scenario=meta.scenario.name,
        scenario_sha256=meta.scenario.sha256,
        started_at=meta.started_at,
        status=ended.status if ended else "missing",
        manifest_sha256=check.manifest_sha256 or "",
        intact=check.intact,
        integrity=check,
    )


def _blind_entries(result: RunAnalysis) -> set[str] | None:
    """Catalog entries the run could not have seen a call of: hooks that failed, or were in no process.
    None when no process reported its coverage (then nothing is known to have been seen)."""
    coverage = result.run.coverage
    if not coverage:
        return None
    installed = {hook.entry for record in coverage for hook in record.installed}
    failed = {hook.entry for record in coverage for hook in record.failed}
    return failed | {entry.id for entry in result.catalog.entries if entry.id not in installed}


def _unproven(finding: Finding, blind: set[str] | None, new: RunSide) -> list[Text]:
    reasons = []
    if new.status != "completed":
        reasons.append(Text(en="the new run did not complete", zh="新运行未完整执行"))
    if finding.entry:
        if blind is None:
            reasons.append(Text(en="the new run reported no hook coverage", zh="新运行未报告 Hook 覆盖情况"))
        elif finding.entry in blind:
            reasons.append(Text(en=f"the hook {finding.entry} was not in place in the new run",
                                zh=f"新运行中 Hook {finding.entry} 未生效"))
    return reasons


def _warnings(old: RunAnalysis, new: RunAnalysis, old_check: Verification, new_check: Verification) -> list[Text]:
    warnings = []
    old_meta, new_meta = old.run.meta, new.run.meta
    if old_meta.app.package != new_meta.app.package:
        warnings.append(Text(
            en=f"the runs audited different apps ({old_meta.app.package}, {new_meta.app.package})",
            zh=f"两次运行审计的是不同的应用（{old_meta.app.package}、{new_meta.app.package}）",
        ))
    if old_meta.scenario.sha256 != new_meta.scenario.sha256:
        warnings.append(Text(
            en="the runs followed different scenarios (their SHA-256 differ): a finding may be gone only because "
               "the new scenario no longer does what brought it out",
            zh="两次运行使用了不同的测试场景（SHA-256 不同）：某个问题消失可能只是因为新场景不再触发它",
        ))
    for name_en, name_zh, check in (("old", "旧", old_check), ("new", "新", new_check)):
        if not check.intact:
            warnings.append(Text(
                en=f"the {name_en} run's files do not match its manifest (consent-audit verify {check.directory})",
                zh=f"{name_zh}运行的文件与其清单不一致（consent-audit verify {check.directory}）",
            ))
    for name_en, name_zh, result in (("old", "旧", old), ("new", "新", new)):
        if result.run.problems or result.analysis.failures:
            warnings.append(Text(
                en=f"the {name_en} run has unreadable records or failed rules: see its report's Problems",
                zh=f"{name_zh}运行存在无法读取的记录或执行失败的规则：见其报告的“问题与异常”",
            ))
    return warnings


# ---------------------------------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class ChangeView:
    rule: str
    severity: str
    severity_label: str
    title: str
    other_title: str
    explanation: str
    what: str
    """The API (entry) or the subject."""
    data: str
    caller: str
    phase_text: str
    old_count: str
    new_count: str
    unproven: list[str]


def _view(change: Change, lang: Lang) -> ChangeView:
    finding = change.finding
    caller = describe_caller(finding.caller).get(lang) if finding.caller else ""
    return ChangeView(
        rule=finding.rule,
        severity=finding.severity,
        severity_label=wording.severity_text(finding.severity, lang),
        title=finding.title.get(lang),
        other_title=finding.title.get(wording.other_lang(lang)),
        explanation=finding.explanation.get(lang),
        what=(f"{finding.api} ({finding.entry})" if finding.api else finding.subject or ""),
        data=finding.data.get(lang) if finding.data else "",
        caller=caller[:1].upper() + caller[1:],
        phase_text=wording.phase_text(finding.phase, lang),
        old_count=str(change.old.count) if change.old else "–",
        new_count=str(change.new.count) if change.new else "–",
        unproven=[reason.get(lang) for reason in change.unproven],
    )


def diff_text(diff: RunDiff, lang: Lang = "en") -> str:
    """The comparison for a terminal or a CI log."""
    t = wording.labels(lang)
    lines = [t["diff_title"]]
    for label, side in ((t["diff_old"], diff.old), (t["diff_new"], diff.new)):
        status = t["integrity_ok"] if side.intact else t["integrity_bad"]
        lines.append(f"  {label}: {side.directory} (run {side.run_id}, {side.package} {side.version}, "
                     f"{side.started_at}; manifest {side.manifest_sha256 or '-'}; {status})")
    for warning in diff.warnings:
        lines.append(f"warning: {warning.get(lang)}")
    for label, sign, changes in ((t["diff_fixed"], "-", diff.fixed), (t["diff_new_findings"], "+", diff.added),
                                 (t["diff_persisting"], "=", diff.persisting)):
        lines.append(f"{label} ({len(changes)}):")
        for change in changes:
            view = _view(change, lang)
            counts = f"{view.old_count} -> {view.new_count}"
            unproven = f" [{t['diff_unproven']}: {'; '.join(view.unproven)}]" if view.unproven else ""
            # The phase is part of what a finding is (the same rule before consent and after a refusal is two).
            lines.append(f"  {sign} [{view.severity}] {view.rule} ({view.phase_text}): {view.explanation} "
                         f"({counts}){unproven}")
    lines.append(t["diff_summary"].format(fixed=len(diff.fixed), new=len(diff.added),
                                          persisting=len(diff.persisting)))
    return "\n".join(lines) + "\n"


def render_diff_html(diff: RunDiff, lang: Lang = "en") -> str:
    """The comparison as one self-contained HTML file, like the report."""
    other = wording.other_lang(lang)
    return environment().get_template(DIFF_TEMPLATE).render(
        diff=diff,
        fixed=[_view(c, lang) for c in diff.fixed],
        added=[_view(c, lang) for c in diff.added],
        persisting=[_view(c, lang) for c in diff.persisting],
        warnings=[w.get(lang) for w in diff.warnings],
        html_lang=wording.html_lang(lang),
        t=wording.labels(lang),
        o=wording.labels(other),
        other_lang=wording.html_lang(other),
        csp=CONTENT_SECURITY_POLICY,
        generator_version=__version__,
    )
