"""docs/rules.md, generated from the registry so the reference cannot drift from the rules.

    python -m auditor.rules.reference > docs/rules.md
"""

from __future__ import annotations

from auditor.rules.engine import DOC_SECTIONS, all_rules
from auditor.rules.settings import COMPARED_PI_TYPES, OverFrequency, RuleSettings, app_categories

PREAMBLE = """\
# Rules

Generated from the rule registry by `python -m auditor.rules.reference > docs/rules.md`; edit the rules, not this file.

## How calls are judged

Every hooked call is placed on the run's timeline and gets the state the user had put the app in at that moment:

- **consent**: `none` from a launch on a clean state until the user answers the app's privacy dialog, then `refused`
  or `accepted`. A decision lasts across relaunches (the app keeps its data) until the user decides again or a
  launch clears the app's state.
- **permissions**: each runtime permission's last decision (`granted`, `granted-once`, `denied`, `denied-forever`).
  A one-time grant ends when the app stops. Data guarded by several permissions (fine or coarse location) counts as
  denied when none of them is granted and one was denied.
- **foreground**: whether the app was on screen.

Order is exact: each marker carries, per instrumented process, the agent's event sequence number at that moment.

The **phase** shown with a finding sums this up: `pre-consent` (no decision yet), `refused` (the policy was
refused), `permission-denied(GROUP)` (the data's permission was denied), `background`, or `consented`. A call is
judged by the most specific rule: a read after the user refused the policy is a post-refusal finding, not also a
pre-consent one.

**Who called**: the innermost stack frame outside the platform (`android.*`, `androidx.*`, `java.*`...) decides.
Classes under the app's package are the app's own code; any other class is a third-party SDK, named from
`auditor/sdk_signatures.yaml` when its package is known, else by its first two package levels. Calls whose stack
holds only platform frames are the platform's and are never findings.

**The decision** a finding shows is the one the calls went against (the refusal, the denial); for calls before
consent it is the user's first answer to the privacy dialog after them, so the report can say how long before the
user agreed (or refused) the data was read.

## The rules
"""


SETTINGS_INTRO = """\

## Settings

`--config FILE` reads rule settings from YAML; every field is optional and these are the defaults. `--category`
on the command line overrides the file's `category`. A sandbox app folder's `consent-audit.yaml` is used when no
`--config` is given. The run keeps a copy of the file it was judged by (`settings/` in the run directory), and
`consent-audit report RUN_DIR` judges the run by it again unless given another. A bad file is one line naming its
`file:line:column` and the problem, before anything runs.

```yaml
category: shopping            # id, number, English or Chinese name (网上购物); enables CN-UNNECESSARY-PI
first_party_hosts: [example.com]   # the publisher's hosts; without them CN-3P-SHARE judges only what SDKs send
first_party_packages: [com.example.common]   # the app's own code outside its applicationId
sdk_signatures:               # SDKs the shipped table lacks (in-house ones), in its schema; `lab:` names who says so
  - {prefix: com.example.sdk, name: Example SDK, vendor: Example Inc., category: analytics, source: "lab:vendor contract"}
overfreq:
  window_s: 30
  max_calls: {device-id: 5, location: 5, installed-apps: 3, running-apps: 3, clipboard: 3, default: 10}
frequent_request_window_h: 48
exit_after_refusal_s: 5
suppressions:                 # accepted findings: kept in the report with the reason, not counted in the verdict
  - rule: CN-OVERFREQ
    entry: location.updates   # optional: a catalog id
    caller: app               # optional: `app`, or an SDK name / package prefix as findings show it
    reason: Navigation app; location every second is its function (accepted by the privacy officer, 2026-03)
```
"""


def _settings_table() -> list[str]:
    lines = ["", "| setting | default | meaning |", "|---|---|---|"]
    defaults = RuleSettings()
    for name, field in RuleSettings.model_fields.items():
        if name == "overfreq":
            value = f"window {OverFrequency().window_s:g} s, {OverFrequency().max_calls}"
        else:
            value = repr(getattr(defaults, name))
        lines.append(f"| `{name}` | {value} | {' '.join((field.description or '').split())} |")
    return lines


def _categories_table() -> list[str]:
    compared = ", ".join(sorted(t.value for t in COMPARED_PI_TYPES))
    lines = ["", "## App categories", "",
             "The 39 categories of 《常见类型移动互联网应用程序必要个人信息范围规定》 and what CN-UNNECESSARY-PI lets each "
             f"read from the device. Compared types: {compared}.", "",
             "| # | id | category | necessary information | may read |", "|---|---|---|---|---|"]
    for category in app_categories():
        may = ", ".join(t.value for t in category.necessary) or "nothing"
        lines.append(f"| {category.number} | `{category.id}` | {category.zh} {category.en} | "
                     f"{category.necessary_text.zh} / {category.necessary_text.en} | {may} |")
    return lines


def render_rules_markdown() -> str:
    lines = [PREAMBLE]
    rules = all_rules()
    lines.append("| id | pack | severity | title |")
    lines.append("|---|---|---|---|")
    for rule in rules:
        lines.append(f"| [{rule.id}](#{rule.id.lower()}) | {rule.pack} | {rule.severity} | {rule.title.en} / {rule.title.zh} |")
    for rule in rules:
        lines += ["", f"### {rule.id}", "", f"**{rule.title.en}** / {rule.title.zh}", "",
                  f"Pack `{rule.pack}`, severity **{rule.severity}**.", ""]
        for section in DOC_SECTIONS:
            if section == "References":
                continue
            lines.append(f"- **{section}.** {rule.section(section)}")
        lines.append("- **Sources.** " + "; ".join(rule.clauses) + ".")
        lines.append(f"- **Explanation in a report.** {rule.explanation.en} / {rule.explanation.zh}")
    lines.append(SETTINGS_INTRO)
    lines += _settings_table()
    lines += _categories_table()
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_rules_markdown(), end="")
