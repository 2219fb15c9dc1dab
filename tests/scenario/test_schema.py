"""The JSON Schema editors use: generated from the step models, it accepts what the loader accepts and rejects
the shapes the loader rejects."""


from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from auditor.resources import demo_app
from auditor.scenario.loader import builtin_scenarios, load_scenario
from auditor.scenario.model import STEP_TYPES
from auditor.scenario.schema import scenario_json_schema


@pytest.fixture(scope="module")
def validator():
    schema = scenario_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def documents(text):
    return [doc for doc in YAML(typ="safe").load_all(text) if doc is not None]


def problems(validator, document):
    return [error.message for error in validator.iter_errors(document)]


@pytest.mark.parametrize("name", ["miit-standard", "refuse-only", "accept-all"])
def test_the_built_in_scenarios_validate_against_the_schema(validator, name):
    path = builtin_scenarios()[name]
    header, steps = documents(path.read_text(encoding="utf-8"))
    assert problems(validator, header) == []
    assert problems(validator, steps) == []


def test_the_demo_scenario_validates(validator):
    for document in documents((demo_app() / "scenario.yaml").read_text(encoding="utf-8")):
        assert problems(validator, document) == []


def test_every_step_has_its_definition_and_every_form_the_loader_takes_is_accepted(validator, tmp_path):
    schema = scenario_json_schema()
    assert {f"step.{name}" for name in STEP_TYPES} <= set(schema["$defs"])
    text = """\
- launchApp
- launchApp: {clearState: true, timeout: 40}
- relaunch
- stopApp
- home
- back: {when: {notVisible: Search}}
- foreground
- tapOn: Agree
- tapOn: 7
- tapOn: {id: agree, timeout: "${WAIT}", optional: true}
- waitFor: {regex: "Stores? near .*"}
- assertVisible: {textContains: Stores}
- assertNotVisible: {description: Search, onFailure: continue}
- scrollUntilVisible: {text: Settings, maxScrolls: 3}
- inputText: hello
- inputText: {text: hello, into: {id: name}}
- swipe: left
- swipe: {from: "10%,50%", to: "90%,50%"}
- scroll
- scroll: up
- consent: none
- consent: {action: refuse, optional: true}
- permission: deny-forever
- permission: {action: allow, permission: CAMERA}
- sleep: 2
- sleep: ${WAIT}
- background
- background: 1.5
- screenshot
- screenshot: after-grant
- explore
- explore: {taps: 3, avoid: [Buy]}
- runFlow: {commands: [back], when: {visible: {id: skip}, timeout: 1}}
- repeat: {times: 2, while: {visible: Next}, commands: [{tapOn: Next}]}
"""
    path = tmp_path / "all.yaml"
    path.write_text(text, encoding="utf-8")
    load_scenario(path, env={"WAIT": "1"})  # the loader takes every line...
    (steps,) = documents(text)
    assert problems(validator, steps) == []  # ...and so does the schema


@pytest.mark.parametrize(
    "document",
    [
        [{"tapon": "Agree"}],
        [{"tapOn": {"txt": "Agree"}}],
        [{"tapOn": {"text": "A", "when": {"visibel": "B"}}}],
        [{"sleep": "soon"}],
        [{"consent": "maybe"}],
        [{"consent": None}],
        [{"tapOn": "A", "timeout": 3}],
        ["consent"],
        [{"repeat": {"times": 2, "commands": []}}],
        [{"repeat": {"times": 2, "commands": ["bakc"]}}],
        [{"swipe": "sideways"}],
        [{"explore": {"taps": 0}}],
        [],
        {"name": "x", "appid": "com.example"},
        {"permissionPolicy": "ask"},
    ],
    ids=repr,
)
def test_the_schema_rejects_what_the_loader_rejects(validator, document):
    assert problems(validator, document)


def test_the_header_fields_are_described(validator):
    header = scenario_json_schema()["$defs"]["header"]
    assert set(header["properties"]) == {"name", "appId", "tags", "env", "permissionPolicy"}
    assert all(field.get("description") for field in header["properties"].values())
    assert problems(validator, {"name": "x", "env": {"WAIT": 2, "LABEL": "OK", "FLAG": True}}) == []
    assert problems(validator, {"env": {"my-var": 1}})


# The schema and the validator agree, both ways ------------------------------------------------------------

MALFORMED = Path(__file__).parent / "malformed"
BEYOND_A_SCHEMA = {
    # What only the loader can know: variables and their values, other files, regular expressions, YAML itself,
    # and the file as a whole (each document is checked on its own).
    "undefined-variable", "unclosed-variable", "variable-of-the-wrong-type", "missing-include", "misspelt-include",
    "include-cycle", "error-in-included-file", "invalid-yaml", "bad-regex", "explore-bad-avoid",
    "header-without-steps", "not-utf-8", "alias-to-nothing", "run-flow-to-a-folder", "run-flow-absolute-path",
    "mis-indented-nested-step",
}


def malformed_documents(path):
    try:
        return documents(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - not YAML the schema could see
        return None


@pytest.mark.parametrize("path", sorted(MALFORMED.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_structural_mistake_the_validator_finds_the_schema_finds_too(validator, path):
    if path.stem in BEYOND_A_SCHEMA:
        pytest.skip("beyond what a schema can check")
    docs = malformed_documents(path)
    assert docs is not None
    assert any(problems(validator, document) for document in docs), path.name


def valid_files():
    root = Path(__file__).resolve().parents[2]
    files = [*builtin_scenarios().values(), demo_app() / "scenario.yaml",
             *sorted((root / "tests" / "apps").rglob("scenario.yaml")),
             *sorted((Path(__file__).parent / "apps").rglob("scenario.yaml")),
             *sorted((MALFORMED / "includes").glob("login.yaml"))]
    return files


@pytest.mark.parametrize("path", valid_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_valid_scenario_file_is_accepted(validator, path):
    for document in documents(path.read_text(encoding="utf-8")):
        assert problems(validator, document) == []


@pytest.mark.parametrize(
    "document",
    [
        [{"consent": "${ACTION}"}],
        [{"permission": {"action": "${ANSWER}", "permission": "ACCESS_FINE_LOCATION"}}],
        [{"permission": {"action": "deny", "permission": "android.permission.CAMERA"}}],
        [{"permission": {"action": "deny", "permission": "${WHICH}"}}],
        [{"tapOn": {"id": "agree", "onFailure": "${ON_FAILURE}"}}],
        [{"swipe": {"from": "${START}", "to": "10%,20%"}}],
        [{"tapOn": {"text": "A", "optional": True, "onFailure": "continue"}}],
        [{"repeat": {"while": {"permissionDialog": True}, "commands": [{"permission": "deny"}]}}],
        [{"sleep": {"seconds": 3, "dialogs": "leave"}}],
        [{"tapOn": {"text": "A", "timeout": None}}],
    ],
    ids=repr,
)
def test_the_schema_accepts_variables_in_choices_and_every_valid_combination(validator, document):
    assert problems(validator, document) == []


@pytest.mark.parametrize(
    "document",
    [
        [{"tapOn": {"text": "A", "id": "b"}}],
        [{"tapOn": {"timeout": 3}}],
        [{"tapOn": {"text": None}}],
        ["tapOn"],
        [{"tapOn": None}],
        ["runFlow"],
        [{"runFlow": {"env": {"A": "1"}}}],
        [{"runFlow": {"file": "a.yaml", "commands": ["back"]}}],
        [{"swipe": {"direction": "up", "from": "1,2", "to": "3,4"}}],
        [{"swipe": {"from": "1,2"}}],
        [{"swipe": {"from": "50%", "to": "1,2"}}],
        [{"tapOn": {"text": "A", "optional": True, "onFailure": "stop"}}],
        [{"back": {"when": {}}}],
        [{"back": {"when": {"timeout": 2}}}],
        [{"back": {"when": {"visible": {"text": "A", "id": "b"}}}}],
        [{"back": {"when": {"visible": {}}}}],
        [{"repeat": {"commands": ["back"]}}],
        [{"permission": {"action": "deny", "permission": "ACCES_FINE_LOCATION"}}],
        [{"permission": {"action": "deny", "permission": "INTERNET"}}],
        [{"sleep": {"seconds": 1, "dialogs": "ignore"}}],
        {"permissionPolicy": "${POLICY}"},
    ],
    ids=repr,
)
def test_the_schema_rejects_what_the_validators_cross_field_rules_reject(validator, document):
    assert problems(validator, document)
