import textwrap

import pytest

from auditor.errors import InputError
from auditor.scenario import load_scenario
from auditor.scenario.model import (
    AssertVisible,
    Back,
    Background,
    Consent,
    Foreground,
    LaunchApp,
    Permission,
    Screenshot,
    Sleep,
    StopApp,
    TapOn,
    WaitFor,
)

BRIEF_EXAMPLE = """\
appId: com.example.shop          # header
name: Refuse, then accept and deny location
---
- launchApp: {clearState: true}
- waitFor: "Privacy Policy"
- consent: refuse
- sleep: 2
- stopApp
- launchApp
- consent: accept
- permission: deny
- tapOn: "Nearby stores"
- permission: allow
- assertVisible: {textContains: "Stores near"}
- back
- background: 2
- screenshot: after-grant
"""


@pytest.fixture
def write(tmp_path):
    def write(text, name="scenario.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def error_of(path, **kwargs):
    with pytest.raises(InputError) as caught:
        load_scenario(path, **kwargs)
    return str(caught.value)


def test_the_language_example_loads_with_every_step_and_its_line(write):
    path = write(BRIEF_EXAMPLE)
    scenario = load_scenario(path)

    assert scenario.name == "Refuse, then accept and deny location"
    assert scenario.app_id == "com.example.shop"
    assert scenario.path == str(path)
    actions = [step.action for step in scenario.steps]
    assert [type(a) for a in actions] == [
        LaunchApp, WaitFor, Consent, Sleep, StopApp, LaunchApp, Consent, Permission, TapOn, Permission,
        AssertVisible, Back, Background, Screenshot,
    ]
    assert actions[0].clear_state is True and actions[5].clear_state is False
    assert actions[1].selector.kind == "text" and actions[1].selector.value == "Privacy Policy"
    assert (actions[2].action, actions[6].action) == ("refuse", "accept")
    assert actions[3].seconds == 2.0
    assert (actions[7].action, actions[9].action) == ("deny", "allow")
    assert actions[10].selector.kind == "textContains"
    assert actions[12].seconds == 2.0
    assert actions[13].name == "after-grant"
    refs = [step.ref for step in scenario.steps]
    assert [r.line for r in refs] == list(range(4, 18))
    assert [r.index for r in refs] == list(range(14))
    assert refs[2].name == "consent" and refs[2].file == str(path)


def test_a_file_with_only_steps_is_named_after_the_file(write):
    scenario = load_scenario(write("- launchApp\n- background\n- foreground\n", name="quick-check.yaml"))
    assert scenario.name == "quick-check"
    assert [type(s.action) for s in scenario.steps] == [LaunchApp, Background, Foreground]
    assert scenario.steps[1].action.seconds is None


def test_an_unknown_step_is_named_with_a_suggestion_at_its_position(write):
    path = write("""\
        appId: com.example.shop
        ---
        - launchApp
        - waitFor: "Privacy Policy"
        - consent: accept
        - sleep: 1
        - tapon: "Agree"
        """)
    assert error_of(path) == f"{path}:7:3: unknown step 'tapon' (did you mean 'tapOn'?)"


def test_an_unknown_step_without_a_near_name_lists_the_steps(write):
    message = error_of(write("- launchApp\n- swipeLeft\n"))
    assert ":2:3: unknown step 'swipeLeft' (steps: launchApp, stopApp, waitFor" in message


def test_a_wrong_type_points_at_the_value(write):
    path = write('- launchApp\n- tapOn: {text: "Agree", timeout: soon}\n')
    assert error_of(path) == (
        f"{path}:2:35: tapOn.timeout: Input should be a valid number, unable to parse string as a number"
    )


def test_an_unknown_field_is_named_with_a_suggestion(write):
    path = write('- tapOn: {txt: "Agree"}\n')
    assert error_of(path) == f"{path}:1:11: unknown field 'txt' in 'tapOn' (did you mean 'text'?)"


@pytest.mark.parametrize(
    ("step", "column", "message"),
    [
        ('{text: "A", id: agree}', 10, ("tapOn: give exactly one of text, textContains, regex, id, description "
                                       "(found text, id)")),
        ("{timeout: 3}", 10, "tapOn: give exactly one of text, textContains, regex, id, description"),
        ('{regex: "(Agree"}', 18, ("tapOn.regex: invalid regular expression '(Agree': missing ), unterminated "
                                  "subpattern at position 0")),
        ('{text: ""}', 17, "tapOn.text: String should have at least 1 character"),
    ],
)
def test_a_bad_selector_is_explained(write, step, column, message):
    path = write(f"- tapOn: {step}\n")
    assert error_of(path) == f"{path}:1:{column}: {message}"


def test_a_bad_choice_names_the_allowed_values_and_the_given_one(write):
    path = write("- launchApp\n- consent: maybe\n")
    assert error_of(path) == f"{path}:2:12: consent.action: Input should be 'accept' or 'refuse', not 'maybe'"


def test_a_permission_must_be_a_runtime_permission(write):
    path = write("- permission: {action: deny, permission: INTERNET}\n")
    assert error_of(path) == (
        f"{path}:1:42: permission.permission: 'INTERNET' is not a runtime permission that a dialog asks for"
    )


def test_a_permission_may_be_written_short(write):
    scenario = load_scenario(write("- permission: {action: deny-forever, permission: ACCESS_FINE_LOCATION}\n"))
    action = scenario.steps[0].action
    assert action.action == "deny-forever"
    assert action.permission == "android.permission.ACCESS_FINE_LOCATION"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- consent\n", ":1:3: 'consent' needs a value: action"),
        ("- back: 3\n", ":1:9: 'back' takes no value: write `- back`"),
        ("- launchApp: true\n", (":1:14: 'launchApp' takes a mapping of fields (clearState, timeout), not a single "
                                "value")),
        ('- tapOn: "Agree"\n  timeout: 3\n', (":1:3: a step has one name, this item has 2 (tapOn, timeout): indent a "
                                             "step's options under its name")),
        ("- [launchApp]\n", ":1:3: a step is a step name (`- back`) or `- name: value`"),
        ("- tapOn: [Agree]\n", ":1:10: 'tapOn' takes a value or a mapping of fields, not a list"),
        ("- sleep: -1\n", ":1:10: sleep.seconds: Input should be greater than or equal to 0"),
        ('- screenshot: "after grant"\n', (":1:15: screenshot.name: 'after grant' is not a file name: use letters, "
                                          "digits, '.', '-' and '_'")),
        ("- launchApp: {clearState: maybe}\n", (":1:27: launchApp.clearState: Input should be a valid boolean, "
                                               "unable to interpret input")),
    ],
)
def test_step_shapes_are_checked(write, text, message):
    path = write(text)
    assert error_of(path) == f"{path}{message}"


def test_a_header_alone_is_not_a_scenario(write):
    path = write("name: nothing to do\n")
    assert error_of(path) == f"{path}:1:1: this is a header without steps: add `---` after it and then the list of steps"


def test_an_empty_file_is_refused(write):
    path = write("")
    assert error_of(path).startswith(f"{path}: the scenario is empty")


def test_an_empty_step_list_is_refused(write):
    path = write("name: x\n---\n[]\n")
    assert error_of(path) == f"{path}:3:1: the list of steps is empty"


def test_a_third_document_is_refused(write):
    path = write("name: x\n---\n- back\n---\n- back\n")
    assert "at most two documents" in error_of(path)


def test_an_unknown_header_field_gets_a_suggestion(write):
    path = write("appid: com.example.shop\n---\n- back\n")
    assert error_of(path) == f"{path}:1:1: unknown header field 'appid' (did you mean 'appId'?)"


def test_invalid_yaml_is_an_input_error_with_its_position(write):
    path = write('- tapOn: "Agree\n- back\n')
    assert error_of(path).startswith(f"{path}:3:1: invalid YAML")


def test_variables_come_from_the_header_and_can_be_overridden(write):
    path = write("""\
        name: Audit of ${APP_LABEL}
        appId: ${PACKAGE}
        tags: ["${MARKET}", smoke]
        env:
          PACKAGE: com.example.shop
          APP_LABEL: Shop
          WAIT: 2
          MARKET: cn
        ---
        - waitFor: {text: "${APP_LABEL} privacy policy", timeout: "${WAIT}"}
        - sleep: ${WAIT}
        - tapOn: "$${NOT_A_VARIABLE}"
        """)
    scenario = load_scenario(path, env={"APP_LABEL": "Boutique"})
    assert scenario.name == "Audit of Boutique"
    assert scenario.app_id == "com.example.shop"
    assert scenario.tags == ["cn", "smoke"]
    assert scenario.env == {"PACKAGE": "com.example.shop", "APP_LABEL": "Boutique", "WAIT": "2", "MARKET": "cn"}
    wait, sleep, tap = (step.action for step in scenario.steps)
    assert wait.text == "Boutique privacy policy" and wait.timeout == 2.0
    assert sleep.seconds == 2.0
    assert tap.text == "${NOT_A_VARIABLE}"


def test_an_undefined_variable_is_named_at_its_value(write):
    path = write('env: {USER: qa}\n---\n- launchApp\n- tapOn: {text: "Hello ${USERNAME}"}\n')
    assert error_of(path) == (
        f"{path}:4:17: undefined variable 'USERNAME' (define it under `env:` in the header, or pass it when running)"
    )


def test_an_undefined_variable_in_the_header_is_named(write):
    path = write("name: ${TITLE}\n---\n- back\n")
    assert error_of(path) == (
        f"{path}:1:7: undefined variable 'TITLE' (define it under `env:` in the header, or pass it when running)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"${A"', "unclosed '${' (write '$${' for a literal '${')"),
        ('"${a-b}"', "'${a-b}' does not name a variable (letters, digits, underscores)"),
    ],
)
def test_malformed_variable_references_are_refused(write, value, message):
    path = write(f"- tapOn: {value}\n")
    assert error_of(path) == f"{path}:1:10: {message}"


def test_env_keys_must_be_variable_names(write):
    path = write("env: {my-var: 1}\n---\n- back\n")
    assert error_of(path) == f"{path}:1:6: env: 'my-var' is not a variable name (letters, digits, underscores)"


def test_numbers_written_as_selectors_are_text(write):
    scenario = load_scenario(write("- tapOn: 7\n- screenshot: 2\n"))
    assert scenario.steps[0].action.selector.value == "7"
    assert scenario.steps[1].action.name == "2"


def test_selector_steps_take_every_selector_kind(write):
    scenario = load_scenario(write("""\
        - tapOn: {id: nearby_stores}
        - waitFor: {regex: "Stores? near .*", timeout: 5, optional: true}
        - assertVisible: {description: "Search"}
        - assertNotVisible: {textContains: "Privacy"}
        """))
    selectors = [step.action.selector for step in scenario.steps]
    assert [(s.kind, s.value) for s in selectors] == [
        ("id", "nearby_stores"), ("regex", "Stores? near .*"), ("description", "Search"), ("textContains", "Privacy"),
    ]
    assert scenario.steps[1].action.optional is True and scenario.steps[1].action.timeout == 5


def test_descriptions_name_the_step_for_messages(write):
    scenario = load_scenario(write("- launchApp: {clearState: true}\n- tapOn: {id: agree}\n- permission: "
                                   "{action: deny, permission: CAMERA}\n- background: 1.5\n"))
    assert [s.action.describe() for s in scenario.steps] == [
        "launchApp (clear state)", "tapOn id 'agree'", "permission deny (android.permission.CAMERA)",
        "background 1.5s",
    ]
    assert scenario.steps[1].where == f"{scenario.path}:2"
