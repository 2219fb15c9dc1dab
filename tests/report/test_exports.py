"""JUnit XML for CI dashboards and the CSV of calls, from a hand-made run with a known story."""

from __future__ import annotations

import csv
from pathlib import Path

from lxml import etree

from auditor.models import RecordedValue
from auditor.report.exports import CSV_COLUMNS, junit_xml, write_events_csv
from auditor.rules.engine import RuleFailure

from .conftest import SampleRun


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def test_one_test_case_per_rule_and_one_failure_per_finding(sample: SampleRun) -> None:
    result = sample.analyse()

    suites = parse(junit_xml(result, "ab" * 32))

    [suite] = suites.findall("testsuite")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [*result.analysis.rules_run, *result.analysis.not_evaluated]
    failing = {case.get("name"): case.findall("failure") for case in cases if case.findall("failure")}
    assert sorted(failing) == ["CN-POST-REFUSAL", "CN-SDK-PRECONSENT"]
    [refusal] = failing["CN-POST-REFUSAL"]
    assert refusal.get("type") == "high"
    assert refusal.get("message").startswith("The app's own code read the last known location 2 times after")
    assert "phase: permission-denied(LOCATION)" in refusal.text
    assert "events: 1000-1 1000-2" in refusal.text
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == "2" and suite.get("errors") == "0"
    assert suites.get("failures") == "2"
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["manifest_sha256"] == "ab" * 32 and properties["run_id"] == "testrun"
    assert properties["app"] == "com.example.shop"


def test_a_rule_that_crashed_is_an_error_and_one_not_evaluated_is_skipped(sample: SampleRun) -> None:
    result = sample.analyse()
    result.analysis.failures.append(RuleFailure("CN-OVERFREQ", "KeyError: 'x'"))
    result.analysis.not_evaluated["CN-UNNECESSARY-PI"] = "no app category given"

    suite = parse(junit_xml(result)).find("testsuite")

    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert cases["CN-OVERFREQ"].find("error").get("message") == "KeyError: 'x'"
    assert cases["CN-UNNECESSARY-PI"].find("skipped").get("message") == "no app category given"
    assert suite.get("errors") == "1" and suite.get("skipped") == "1"


def test_suppressed_findings_do_not_fail_their_rule(sample: SampleRun) -> None:
    result = sample.analyse()
    result.analysis.findings[:] = [f.model_copy(update={"suppressed": "accepted risk"})
                                   for f in result.analysis.findings]

    suite = parse(junit_xml(result)).find("testsuite")

    assert suite.findall(".//failure") == [] and suite.get("failures") == "0"
    assert "accepted (accepted risk)" in suite.find(".//system-out").text


def test_control_characters_from_the_app_do_not_break_the_xml(sample: SampleRun) -> None:
    result = sample.analyse()
    finding = result.analysis.findings[0]
    result.analysis.findings[0] = finding.model_copy(update={
        "explanation": finding.explanation.model_copy(update={"en": "bell\x07 and nul\x00 <b>&"}),
    })

    failure = parse(junit_xml(result)).find(f".//testcase[@name='{finding.rule}']/failure")

    assert failure.get("message") == "bell\ufffd and nul\ufffd <b>&"


def test_the_csv_neutralises_spreadsheet_formulas_and_reveals_only_when_asked(sample: SampleRun,
                                                                              tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://example.invalid","coupon")'
    sample.builder.events[0] = sample.builder.events[0].model_copy(update={
        "ret": RecordedValue(type="java.lang.String", text="<43 chars>", masked=True, raw=formula),
        "thread": "@thread",
    })
    result = sample.analyse()

    def rows(reveal: bool) -> list[dict[str, str]]:
        path = tmp_path / f"events-{reveal}.csv"
        write_events_csv(result, path, reveal=reveal)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
            return list(reader)

    masked, revealed = rows(False)[0], rows(True)[0]
    assert masked["values"] == "return=<43 chars>"
    assert revealed["values"] == f"return={formula}"  # the cell starts with "return=", not with the formula
    assert masked["thread"] == "'@thread"
    assert masked["caller"].startswith("the SDK ") and masked["caller_origin"] == "sdk"
