"""The JSON Schema editors use: generated from the step models, it accepts what the loader accepts and rejects
the shapes the loader rejects."""


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
