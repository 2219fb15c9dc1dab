import re
import textwrap
from pathlib import Path

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
    message = error_of(write("- launchApp\n- flyAway\n"))
    assert ":2:3: unknown step 'flyAway' (steps: launchApp, relaunch, stopApp, waitFor" in message


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
    assert error_of(path) == f"{path}:2:12: consent.action: Input should be 'accept', 'refuse' or 'none', not 'maybe'"


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
    assert error_of(path) == f"{path}:1:1: the scenario is empty: write the list of steps (`- launchApp` ...)"


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
        f"{path}:4:17: undefined variable 'USERNAME' (did you mean 'USER'? define it under `env:` in the header, or "
        "pass it with --env NAME=VALUE)"
    )


def test_an_undefined_variable_in_the_header_is_named(write):
    path = write("name: ${TITLE}\n---\n- back\n")
    assert error_of(path) == (
        f"{path}:1:7: undefined variable 'TITLE' (define it under `env:` in the header, or pass it with --env "
        "NAME=VALUE)"
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


# The full language ------------------------------------------------------------------------------------------

FULL_LANGUAGE = """\
name: Every step
appId: com.example.shop
tags: [full]
permissionPolicy: allow
env:
  WAIT: 1.5
  COUPON: SPRING
---
- launchApp: {clearState: true}
- relaunch
- relaunch: {timeout: 40}
- stopApp
- home
- back
- foreground
- inputText: ${COUPON}
- inputText: {text: "${COUPON}", into: {id: coupon}}
- inputText: {text: "7", into: Coupon code}
- swipe: up
- swipe: {from: "50%,80%", to: "540,400", duration: 0.5}
- scroll
- scroll: up
- scrollUntilVisible: Settings
- scrollUntilVisible: {id: settings, direction: up, maxScrolls: 4}
- consent: none
- explore
- explore: 3
- explore: {taps: 2, avoid: ["(?i)coupon"], wait: 0.5}
- tapOn: {text: Skip, when: {visible: Skip, notVisible: {id: login}, timeout: 2}}
- waitFor: {text: Home, optional: true}
- assertVisible: {text: Home, onFailure: relaunch}
- sleep: ${WAIT}
"""


def test_every_step_of_the_language_loads(write):
    from auditor.scenario.model import (
        Explore,
        Home,
        InputText,
        Relaunch,
        Scroll,
        ScrollUntilVisible,
        Swipe,
    )

    scenario = load_scenario(write(FULL_LANGUAGE))
    actions = [step.action for step in scenario.steps]
    assert scenario.permission_policy == "allow"
    assert [type(a) for a in actions[:7]] == [LaunchApp, Relaunch, Relaunch, StopApp, Home, Back, Foreground]
    assert actions[2].timeout == 40
    typed, into_id, into_text = actions[7:10]
    assert isinstance(typed, InputText) and (typed.text, typed.into) == ("SPRING", None)
    assert into_id.into.selector.kind == "id" and into_id.text == "SPRING"
    assert into_text.into.selector.describe() == "text 'Coupon code'"
    up, points = actions[10:12]
    assert isinstance(up, Swipe) and up.direction == "up" and up.start is None
    assert (points.start, points.end, points.duration, points.direction) == ("50%,80%", "540,400", 0.5, None)
    assert [(type(a), a.direction) for a in actions[12:14]] == [(Scroll, "down"), (Scroll, "up")]
    until, until_id = actions[14:16]
    assert isinstance(until, ScrollUntilVisible) and until.selector.value == "Settings" and until.max_scrolls == 10
    assert (until_id.selector.kind, until_id.direction, until_id.max_scrolls) == ("id", "up", 4)
    assert actions[16].action == "none"
    explore_default, explore_three, explore_custom = actions[17:20]
    assert isinstance(explore_default, Explore) and explore_default.taps == 5
    assert explore_three.taps == 3
    assert (explore_custom.taps, explore_custom.avoid, explore_custom.wait) == (2, ["(?i)coupon"], 0.5)
    guarded = actions[20]
    assert guarded.when.visible.selector.describe() == "text 'Skip'"
    assert guarded.when.not_visible.selector.describe() == "id 'login'"
    assert guarded.when.timeout == 2
    assert guarded.when.describe() == "visible text 'Skip' and notVisible id 'login'"
    assert (actions[21].failure_action, actions[22].failure_action, actions[0].failure_action) == (
        "continue", "relaunch", "stop")
    assert actions[23].seconds == 1.5


def test_repeat_and_inline_run_flow_hold_their_steps_numbered_in_writing_order(write):
    from auditor.scenario.model import Repeat, RunFlow

    path = write("""\
        - launchApp
        - repeat:
            times: 3
            commands:
              - tapOn: Next
              - runFlow:
                  when: {visible: Skip}
                  commands:
                    - tapOn: Skip
        - repeat: {while: {visible: {id: permission_message}, timeout: 2}, commands: [{permission: deny}]}
        - back
        """)
    scenario = load_scenario(path)
    repeat, repeat_while = scenario.steps[1].action, scenario.steps[2].action
    assert isinstance(repeat, Repeat) and repeat.times == 3 and repeat.max_rounds == 3
    inner_flow = repeat.commands[1].action
    assert isinstance(inner_flow, RunFlow) and inner_flow.when.visible.selector.value == "Skip"
    assert repeat_while.times is None and repeat_while.max_rounds == 50
    assert repeat_while.describe() == "repeat while visible id 'permission_message'"
    walked = scenario.walk()
    assert [(s.ref.index, s.ref.name, s.ref.line) for s in walked] == [
        (0, "launchApp", 1), (1, "repeat", 2), (2, "tapOn", 5), (3, "runFlow", 6), (4, "tapOn", 9),
        (5, "repeat", 10), (6, "permission", 10), (7, "back", 11),
    ]


def test_run_flow_includes_a_file_with_its_env_under_the_callers(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "login.yaml").write_text(textwrap.dedent("""\
        env:
          USER: default-user
          PASSWORD: default-password
          GREETING: Hello
        ---
        - tapOn: {id: username}
        - inputText: ${USER}
        - inputText: {text: "${PASSWORD}", into: {id: password}}
        - assertVisible: "${GREETING} ${USER}"
        """), encoding="utf-8")
    main = tmp_path / "main.yaml"
    main.write_text(textwrap.dedent("""\
        env:
          PASSWORD: from-the-caller
        ---
        - launchApp
        - runFlow: {file: flows/login.yaml, env: {USER: qa}}
        - runFlow: flows/login.yaml
        """), encoding="utf-8")
    scenario = load_scenario(main, env={"GREETING": "Welcome"})

    first, second = scenario.steps[1].action, scenario.steps[2].action
    assert first.file == "flows/login.yaml" and first.describe() == "runFlow flows/login.yaml"
    typed = [step.action for step in first.commands]
    # The included file's env gives defaults; the caller's variables (its own and those given when loading)
    # override them, and the runFlow's env overrides those.
    assert typed[1].text == "qa" and typed[2].text == "from-the-caller"
    assert typed[3].text == "Welcome qa"
    assert [step.action.text for step in second.commands[1:3]] == ["default-user", "from-the-caller"]
    included = first.commands[0].ref
    assert (included.file, included.line, included.index) == (str(flows / "login.yaml"), 6, 2)
    assert scenario.files == [str(main), str(flows / "login.yaml")]


def test_every_problem_is_reported_in_file_order(write):
    from auditor.scenario.loader import check_scenario

    path = write("""\
        name: ${TITLE}
        ---
        - launchApp: {clearStat: true}
        - tapon: Agree
        - waitFor: {text: A, id: b}
        - sleep: soon
        - repeat: {times: 2, commands: [bakc, {tapOn: "${MISSING}"}]}
        - back
        """)
    scenario, errors = check_scenario(path)
    assert scenario is None
    assert [str(error).removeprefix(f"{path}:") for error in errors] == [
        "1:7: undefined variable 'TITLE' (define it under `env:` in the header, or pass it with --env NAME=VALUE)",
        "3:15: unknown field 'clearStat' in 'launchApp' (did you mean 'clearState'?)",
        "4:3: unknown step 'tapon' (did you mean 'tapOn'?)",
        "5:12: waitFor: give exactly one of text, textContains, regex, id, description (found text, id)",
        "6:10: sleep.seconds: Input should be a valid number, unable to parse string as a number",
        "7:33: unknown step 'bakc' (did you mean 'back'?)",
        "7:47: undefined variable 'MISSING' (define it under `env:` in the header, or pass it with --env "
        "NAME=VALUE)",
    ]


def test_loading_raises_the_first_problem_with_a_count_of_the_others(write):
    from auditor.scenario.loader import ScenarioInvalid

    path = write("- tapon: A\n- bakc\n- sleep: x\n")
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}:1:3: unknown step 'tapon' (did you mean 'tapOn'?) [and 2 more problems: `consent-audit scenario "
        "validate` lists them all]"
    )
    assert len(caught.value.errors) == 3 and isinstance(caught.value, InputError)


def test_the_header_and_every_steps_options_may_be_left_to_variables_given_when_loading(write):
    path = write('- tapOn: {text: "${LABEL}", timeout: "${WAIT}", optional: "${SKIPPABLE}"}\n')
    scenario = load_scenario(path, env={"LABEL": "Agree", "WAIT": "4", "SKIPPABLE": "true"})
    action = scenario.steps[0].action
    assert (action.text, action.timeout, action.optional) == ("Agree", 4.0, True)


# Built-in scenarios ---------------------------------------------------------------------------------------


def test_a_file_wins_over_a_built_in_of_the_same_name(tmp_path, monkeypatch):
    from auditor.scenario.loader import builtin_scenarios, resolve_scenario

    monkeypatch.chdir(tmp_path)
    assert resolve_scenario("miit-standard") == builtin_scenarios()["miit-standard"]
    assert resolve_scenario("miit-standard.yaml") == builtin_scenarios()["miit-standard"]
    (tmp_path / "miit-standard").write_text("- back\n", encoding="utf-8")
    assert resolve_scenario("miit-standard").resolve() == (tmp_path / "miit-standard").resolve()


def test_an_unknown_scenario_name_lists_the_built_ins(tmp_path, monkeypatch):
    from auditor.scenario.loader import resolve_scenario

    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        resolve_scenario("miit-standrad")
    assert str(caught.value) == (
        "miit-standrad: no such scenario file, and no built-in scenario of that name (did you mean "
        "'miit-standard'? built-ins: accept-all, miit-standard, refuse-only)"
    )
    with pytest.raises(InputError) as caught:
        resolve_scenario("flows/miit-standard.yaml")
    assert "no such scenario file" in str(caught.value)  # a path is never taken for a built-in's name


# Malformed files: each one mistake, each its own precise one-line error -------------------------------------

MALFORMED = Path(__file__).parent / "malformed"


def expected_error(path):
    """The error a malformed file must give, from its first line: `# expect: LINE:COLUMN: message`, or a whole
    `FILE:LINE:COLUMN: message` when the mistake is in a file it includes; `{dir}` is the malformed folder."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")  # the rest may be what is wrong (not UTF-8)
    expected = first.removeprefix("# expect: ").replace("{dir}", str(MALFORMED))
    return expected if expected.startswith(str(MALFORMED)) else f"{path}:{expected}"


@pytest.mark.parametrize("path", sorted(MALFORMED.glob("*.yaml")), ids=lambda path: path.stem)
def test_a_malformed_file_gives_its_one_precise_error(path):
    from auditor.scenario.loader import check_scenario

    scenario, errors = check_scenario(path)
    assert scenario is None
    assert [str(error) for error in errors] == [expected_error(path)]
    assert "\n" not in str(errors[0])


def test_a_mistake_in_an_included_file_does_not_hide_one_in_the_including_steps_env(tmp_path):
    from auditor.scenario.loader import check_scenario

    (tmp_path / "broken.yaml").write_text("- tapOn: {text: A, timeout: soon}\n", encoding="utf-8")
    main = tmp_path / "main.yaml"
    main.write_text("- runFlow: {file: broken.yaml, env: {my-var: 1}}\n", encoding="utf-8")
    _, errors = check_scenario(main)
    assert [str(error) for error in errors] == [
        f"{main}:1:37: runFlow.env: 'my-var' is not a variable name (letters, digits, underscores)",
        f"{tmp_path / 'broken.yaml'}:1:29: tapOn.timeout: Input should be a valid number, unable to parse string as "
        "a number",
    ]


def test_a_wrong_variable_value_is_reported_once_not_again_where_it_is_used(write):
    from auditor.scenario.loader import check_scenario

    path = write('env:\n  WAIT:\n  LABEL: [a, b]\n---\n- sleep: "${WAIT}"\n- tapOn: "${LABEL}"\n- tapOn: {txt: x}\n')
    _, errors = check_scenario(path)
    assert [str(error).removeprefix(f"{path}:") for error in errors] == [
        '2:3: env.WAIT: has no value (write "" for an empty text)',
        "3:10: env.LABEL: Input should be a valid string",
        "7:11: unknown field 'txt' in 'tapOn' (did you mean 'text'?)",
    ]


@pytest.mark.parametrize(("name", "suggestion"), [("takeScreenshot", "screenshot"), ("killApp", "stopApp"),
                                                  ("assertVis", "assertVisible"), ("tapon", "tapOn")])
def test_an_unknown_step_suggests_what_was_meant(write, name, suggestion):
    assert f"unknown step '{name}' (did you mean '{suggestion}'?)" in error_of(write(f"- {name}\n"))


def test_there_are_enough_malformed_files():
    assert len(list(MALFORMED.glob("*.yaml"))) >= 20


# The documentation's examples ------------------------------------------------------------------------------

DOCS = Path(__file__).parents[2] / "docs" / "scenarios.md"


def doc_examples():
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    return [block for block in blocks if re.search(r"^\s*- ", block, re.MULTILINE)]


@pytest.mark.parametrize("example", doc_examples(), ids=lambda text: text.splitlines()[0][:40])
def test_every_example_in_the_scenario_docs_loads(tmp_path, example):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "login.yaml").write_text("- tapOn: {id: username}\n- inputText: ${USER}\n")
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    names = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", example)) | {"USER"}
    scenario = load_scenario(path, env=dict.fromkeys(names, "1"))
    assert scenario.steps


def test_the_docs_have_examples_of_every_step():
    written = "\n".join(doc_examples())
    from auditor.scenario.model import STEP_TYPES

    assert [name for name in STEP_TYPES if f"- {name}" not in written] == []
