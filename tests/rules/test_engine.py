import pytest

from auditor.errors import InputError
from auditor.models import AppLaunched, ScreenshotTaken, Text
from auditor.rules import all_rules, analyse, select_rules
from auditor.rules.engine import DOC_SECTIONS, RULE_ID, Rule, Violation, rule
from auditor.testing.factories import RunBuilder


def test_every_rule_has_its_metadata_and_documentation():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    for current in rules:
        assert RULE_ID.match(current.id), current.id
        assert current.title.en and current.title.zh and current.clauses, current.id
        for section in DOC_SECTIONS:
            assert current.section(section), f"{current.id} has no '{section}' section"


def test_a_rule_without_its_documentation_is_refused_at_registration():
    with pytest.raises(RuntimeError, match="lacks section 'Remediation'"):
        @rule(id="XX-UNDOCUMENTED", pack="test", severity="low", title=Text(en="t", zh="t"),
              explanation=Text(en="e", zh="e"), clauses=["c"])
        def undocumented(timeline):
            """What it detects: x
            Why it matters: x
            Example evidence: x
            References: x"""
            return []


def test_unknown_pack_is_a_usage_error():
    with pytest.raises(InputError, match="unknown rule pack"):
        select_rules(["cn-miit", "nope"])


def test_a_rule_that_raises_is_reported_and_the_others_still_run(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.call("settings.android-id")

    def broken(timeline):
        raise ValueError("boom")

    bad = Rule("XX-BROKEN", "test", "low", Text(en="t", zh="t"), Text(en="e", zh="e"), ("c",), broken, "")
    good = next(r for r in all_rules() if r.id == "CN-SDK-PRECONSENT")
    analysis = analyse(run.timeline(catalog), [bad, good])
    assert [f.rule for f in analysis.findings] == ["CN-SDK-PRECONSENT"]
    assert analysis.failures[0].rule == "XX-BROKEN" and "boom" in analysis.failures[0].error


def test_violations_are_grouped_per_api_caller_and_phase_with_counts_and_range(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.mark(ScreenshotTaken, path="screenshots/launch.svg")
    first = run.call("settings.android-id")
    run.call("settings.android-id")
    last = run.call("settings.android-id")

    def every_call(timeline):
        return [Violation(call) for call in timeline.calls]

    grouping = Rule("XX-GROUP", "test", "low", Text(en="t", zh="t"),
                    Text(en="{caller} read {data} {times}", zh="{caller}读取{data}{times}"), ("c",), every_call, "")
    [finding] = analyse(run.timeline(catalog), [grouping]).findings
    assert finding.count == 3
    assert (finding.first_ts, finding.last_ts) == (first.ts, last.ts)
    assert finding.event_ids == [e.id for e in run.events]
    assert finding.screenshot == "screenshots/launch.svg"
    assert finding.explanation.en == "The SDK com.adsdk read android-id 3 times"
    assert finding.explanation.zh == "SDK com.adsdk读取android-id3次"


def test_docs_rules_md_is_generated_from_the_registry():
    from auditor.resources import SOURCE_ROOT
    from auditor.rules.reference import render_rules_markdown

    on_disk = (SOURCE_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == render_rules_markdown(), "docs/rules.md is stale: python -m auditor.rules.reference > docs/rules.md"
