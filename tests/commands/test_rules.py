import json

from auditor.cli import EXIT_USAGE, main

CN_RULES = {
    "CN-PRECONSENT-COLLECT", "CN-SDK-PRECONSENT", "CN-POST-REFUSAL", "CN-CONSENT-UI", "CN-NO-POLICY-PROMPT",
    "CN-NO-PURPOSE", "CN-OVERFREQ", "CN-BACKGROUND", "CN-UNNECESSARY-PI", "CN-DENY-EXIT", "CN-FREQ-REQUEST",
    "CN-PREMATURE-REQUEST", "CN-BUNDLED-PERMS", "CN-3P-SHARE", "CN-AUTOSTART",
    "CN-MISLEAD-SOFTASK", "CN-FAKE-SYSTEM-DIALOG", "CN-CONSENT-UI-ASYMMETRY", "CN-MISLEAD-WORDING",
    "CN-PURPOSE-MISMATCH", "CN-NAG-LOOP",
}
OTHER_RULES = {"EU-GDPR-PRIOR-CONSENT", "EU-EPRIV-5-3", "EU-GDPR-REJECT-HONORED", "EU-GDPR-CONSENT-UI",
               "GP-PROMINENT-DISCLOSURE", "GP-RESPECT-DENIAL", "EU-GDPR-CONSENT-UI-VISUAL"}


def test_every_rule_of_the_packs_is_listed_as_json(capsys):
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in listed} == CN_RULES | OTHER_RULES
    for item in listed:
        assert item["title"]["en"] and item["title"]["zh"] and item["clauses"] and item["detects"], item["id"]


def test_table_filters_by_pack_and_shows_titles_in_the_language_asked(capsys):
    assert main(["rules", "--rules", "google-play", "--lang", "zh"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["ID", "PACK", "SEVERITY"]
    assert [line.split()[0] for line in out[1:]] == ["GP-PROMINENT-DISCLOSURE", "GP-RESPECT-DENIAL"]
    assert "Google Play" in out[1] and "应用内显著披露" in out[1]


def test_unknown_pack_is_a_usage_error(capsys):
    assert main(["rules", "--rules", "nope"]) == EXIT_USAGE
    assert "unknown rule pack" in capsys.readouterr().err
