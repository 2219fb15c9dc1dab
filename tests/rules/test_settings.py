"""Rule settings: loading a file (every mistake one line with its file:line:column), the app categories by any of
their names, and suppressions matching the findings they name and only those."""

import pytest

from auditor.cli import EXIT_USAGE, main
from auditor.errors import InputError
from auditor.rules import all_rules, analyse
from auditor.rules.settings import RuleSettings, Suppression, app_categories, find_category, load_settings
from auditor.testing.factories import APP_FRAME, RunBuilder

UMENG = "com.umeng.commonsdk.UMConfigure.init(UMConfigure.java:233)"


def write(tmp_path, text):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# Loading --------------------------------------------------------------------------------------------------------

def test_a_full_settings_file_loads(tmp_path):
    path = write(tmp_path, """\
category: 网上购物
first_party_hosts: [shop.example.cn]
first_party_packages: [com.example.common]
sdk_signatures:
  - {prefix: com.example.pay, name: Example Pay, vendor: Example Ltd., category: payments, source: "lab:contract"}
choice_area_ratio: 2
suppressions:
  - {rule: CN-OVERFREQ, entry: location.updates, caller: app, reason: Navigation needs it every second}
""")
    settings = load_settings(path)
    assert settings.resolved_category().id == "shopping"
    assert settings.choice_area_ratio == 2
    assert settings.attribution().own_packages == ("com.example.common",)
    assert [sdk.name for sdk in settings.attribution().extra_sdks] == ["Example Pay"]
    assert load_settings(path, category="maps").resolved_category().id == "maps", "the command line wins"


@pytest.mark.parametrize(("text", "where", "problem"), [
    ("choice_area_ratio: 0.5\n", ":1:", "choice_area_ratio: Input should be greater than 1"),
    ("overfreq:\n  window_s: -3\n", ":2:", "overfreq.window_s"),
    ("no_such_setting: 1\n", ":1:", "no_such_setting"),
    ("suppressions:\n  - {rule: CN-OVERFREQ}\n", ":2:", "suppressions.0.reason"),
    ("suppressions:\n  - {rule: CN-OVERFRQ, reason: typo here}\n", ":2:", "no rule 'CN-OVERFRQ'"),
    ("sdk_signatures:\n  - {prefix: com.x, name: X, vendor: X, category: ads, source: 'lab:x'}\n", ":2:",
     "unknown category 'ads'"),
    ("category: nowhere\n", "", "unknown app category 'nowhere'"),
    ("[1, 2]\n", "rules.yaml", "one YAML mapping"),
    ("category: [unclosed\n", ":2:", "invalid YAML"),
])
def test_every_mistake_is_one_line_naming_its_place(tmp_path, text, where, problem):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load_settings(path)
    message = str(raised.value)
    assert problem in message and "\n" not in message
    assert where in (raised.value.where or "") + message


def test_a_bad_settings_file_stops_the_cli_before_anything_runs(tmp_path, capsys):
    path = write(tmp_path, "suppressions:\n  - {rule: CN-NOPE, reason: a typo}\n")
    code = main(["run", "--target", "sandbox:/nowhere", "--scenario", "refuse-only", "--config", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == EXIT_USAGE
    assert len(err) == 1 and f"{path}:2:" in err[0] and "no rule 'CN-NOPE'" in err[0]


# Categories -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["shopping", "6", "Online shopping", "online  SHOPPING", "网上购物"])
def test_a_category_is_found_by_id_number_english_or_chinese_name(name):
    assert find_category(name).id == "shopping"


def test_every_category_is_found_by_each_of_its_names():
    categories = app_categories()
    assert len(categories) == 39 and [c.number for c in categories] == list(range(1, 40))
    for category in categories:
        for name in (category.id, str(category.number), category.en, category.zh):
            assert find_category(name) is category, name


def test_an_unknown_category_lists_the_known_ones():
    with pytest.raises(InputError, match=r"unknown app category 'shoping'; known: .*shopping \(网上购物\)"):
        find_category("shoping")


# Suppressions ---------------------------------------------------------------------------------------------------

def _preconsent_findings(catalog, *suppressions):
    run = RunBuilder()
    from auditor.models import AppLaunched

    run.mark(AppLaunched, clear_state=True)
    run.call("settings.android-id", frames=[UMENG])
    run.call("settings.android-id", frames=[APP_FRAME])
    run.call("location.last-known", frames=[UMENG], ret="31.2,121.4")
    rules = [r for r in all_rules() if r.id in ("CN-SDK-PRECONSENT", "CN-PRECONSENT-COLLECT")]
    settings = RuleSettings(suppressions=[Suppression(**s) for s in suppressions])
    return {(f.rule, f.entry, f.caller.sdk or f.caller.origin): f.suppressed
            for f in analyse(run.timeline(catalog), rules, settings).findings}


def test_without_suppressions_every_finding_counts(catalog):
    assert set(_preconsent_findings(catalog).values()) == {None}


@pytest.mark.parametrize(("suppression", "suppressed"), [
    ({"rule": "CN-SDK-PRECONSENT"}, {("CN-SDK-PRECONSENT", "settings.android-id", "Umeng"),
                                     ("CN-SDK-PRECONSENT", "location.last-known", "Umeng")}),
    ({"rule": "CN-SDK-PRECONSENT", "entry": "location.last-known"},
     {("CN-SDK-PRECONSENT", "location.last-known", "Umeng")}),
    ({"rule": "CN-SDK-PRECONSENT", "caller": "Umeng"}, {("CN-SDK-PRECONSENT", "settings.android-id", "Umeng"),
                                                        ("CN-SDK-PRECONSENT", "location.last-known", "Umeng")}),
    ({"rule": "CN-SDK-PRECONSENT", "caller": "com.umeng", "entry": "settings.android-id"},
     {("CN-SDK-PRECONSENT", "settings.android-id", "Umeng")}),
    ({"rule": "CN-PRECONSENT-COLLECT", "caller": "app"}, {("CN-PRECONSENT-COLLECT", "settings.android-id", "app")}),
    ({"rule": "CN-SDK-PRECONSENT", "caller": "app"}, set()),
    ({"rule": "CN-SDK-PRECONSENT", "entry": "telephony.imei"}, set()),
    ({"rule": "CN-BACKGROUND"}, set()),
], ids=["rule", "entry", "sdk-name", "sdk-package", "app", "other-caller", "other-entry", "other-rule"])
def test_a_suppression_marks_exactly_the_findings_it_names(catalog, suppression, suppressed):
    reason = "accepted by the privacy officer"
    found = _preconsent_findings(catalog, {**suppression, "reason": reason})
    assert {key for key, why in found.items() if why is not None} == suppressed
    assert all(why == reason for why in found.values() if why is not None)
    assert len(found) == 3, "suppressed findings stay in the report"


def test_a_suppression_needs_a_reason():
    with pytest.raises(ValueError, match="at least 3 characters|reason"):
        Suppression(rule="CN-OVERFREQ", reason="  ")
