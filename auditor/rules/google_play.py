"""Google Play pack: the User Data and Permissions policies, judged on the same evidence."""

from __future__ import annotations

from typing import Iterator

from auditor.models import ConsentDecision, Text
from auditor.rules import facts
from auditor.rules.dark_patterns import showings
from auditor.rules.engine import Violation, rule
from auditor.scenario.softask import states_purpose
from auditor.timeline import Timeline

PACK = "google-play"


@rule(
    id="GP-PROMINENT-DISCLOSURE",
    pack=PACK,
    severity="medium",
    title=Text(en="Permission or data access before the in-app disclosure was accepted",
               zh="应用内显著披露被接受之前即申请权限或访问数据（Google Play）"),
    explanation=Text(
        en="{subject}: the app asked for the permission before the user accepted its disclosure.",
        zh="{subject}：用户接受应用内披露之前，应用即申请了该权限。",
    ),
    clauses=("Google Play Developer Program Policy: User Data, Prominent Disclosure and Consent Requirement",),
)
def request_before_disclosure(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a system permission dialog shown while the user had not accepted the app's own disclosure
    and consent dialog (before it, or after the user refused it), unless the dialog followed an in-app disclosure
    for that permission the user accepted: the app's own permission dialog (a soft-ask) saying what the data is for
    (the phrase list's `purpose`), answered with its grant control. A soft-ask without a purpose, or one the user
    declined, is no disclosure accepted.

    Why it matters: Google Play requires the in-app disclosure, and the user's affirmative consent to it, to come
    before the runtime-permission request for the data it describes.

    Example evidence: the location permission dialog at first launch, before the privacy dialog was answered.

    Remediation: show the disclosure first, request the permission only after the user accepts it.

    References: the clauses listed with the rule.
    """
    disclosed = {showing.system.seq for showing in showings(timeline)
                 if showing.system is not None and showing.decision is not None
                 and showing.decision.decision == "accepted" and states_purpose(showing.prompt.message) is not None}
    for decision in facts.permission_dialogs(timeline):
        state = timeline.states[timeline.position(decision)]
        if state.consent != "accepted" and decision.seq not in disclosed:
            consent = state.consent_marker or timeline.first_marker_after(decision, ConsentDecision)
            yield Violation(marker=decision, subject=decision.group, decision=consent)


@rule(
    id="GP-RESPECT-DENIAL",
    pack=PACK,
    severity="medium",
    title=Text(en="Denied permission forced or asked for again", zh="拒绝权限后被强迫或反复请求（Google Play）"),
    explanation=Text(
        en="After {decision}, the app {subject}.",
        zh="{decision}之后，应用{subject}。",
    ),
    clauses=("Google Play Developer Program Policy: Permissions and APIs that Access Sensitive Information",),
)
def denial_not_respected(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: after a permission was denied, the same system dialog shown again without the user using a
    feature that needs it, at once or on a later launch.

    Why it matters: Play's permissions policy asks apps to respect the user's decision, degrade gracefully, and
    not coerce users into granting.

    Example evidence: the location dialog shown at the next launch after the user had denied it.

    Remediation: after a denial, keep the app usable and ask again only from the feature that needs it.

    References: the clauses listed with the rule.
    """
    for dialog, earlier in facts.dialogs_again_after_denial(timeline):
        yield Violation(marker=dialog, decision=earlier, subject=f"asked for the {dialog.group} permission again")
