"""EU pack: GDPR and the ePrivacy Directive, judged on the same evidence as the CN pack.

Consent is one of several legal bases under GDPR Art. 6; a finding here says the processing happened without the
consent the app itself asks for, which the publisher must then justify on another basis or stop.
"""

from __future__ import annotations

from typing import Iterator

from auditor.models import ConsentDecision, ConsentDialogShown, ConsentRefusalUnavailable, PIType, Text
from auditor.rules.engine import Violation, rule
from auditor.timeline import Timeline

PACK = "eu-gdpr"


@rule(
    id="EU-GDPR-PRIOR-CONSENT",
    pack=PACK,
    severity="high",
    title=Text(en="Personal data processed before an affirmative opt-in", zh="用户明确同意前处理个人数据（GDPR）"),
    explanation=Text(
        en="{caller} read the {data} {times} before the user opted in.",
        zh="{caller}在用户明确同意前读取了{data}，共{times}。",
    ),
    clauses=("GDPR Art. 6(1)(a), Art. 7", "CJEU C-673/17 Planet49"),
)
def processing_before_opt_in(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: personal data read by the app or any SDK in it before the user gave consent through the app's
    consent dialog (no decision yet). Reads after a rejection are EU-GDPR-REJECT-HONORED.

    Why it matters: where an app relies on consent, processing must wait for an affirmative opt-in; silence,
    pre-ticked boxes or simply using the app are not consent.

    Example evidence: an analytics SDK reading the list of installed apps at start-up, before the consent dialog
    was answered.

    Remediation: start SDKs and data collection only after the opt-in, or document another legal basis for each.

    References: the clauses listed with the rule.
    """
    for group in timeline.collection_groups():
        if group.state.consent == "none":
            yield Violation(group, decision=timeline.first_marker_after(group, ConsentDecision))


@rule(
    id="EU-EPRIV-5-3",
    pack=PACK,
    severity="high",
    title=Text(en="Device identifiers accessed before consent", zh="同意前读取终端设备标识符（ePrivacy 5(3)）"),
    explanation=Text(
        en="{caller} read the {data} from the device {times} before the user consented.",
        zh="{caller}在用户同意前从终端设备读取了{data}，共{times}。",
    ),
    clauses=("ePrivacy Directive 2002/58/EC Art. 5(3)", "EDPB Guidelines 2/2023 on the technical scope of Art. 5(3)"),
)
def device_identifiers_before_consent(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: an identifier stored on or read from the device (Android ID, advertising ID, IMEI, MAC,
    serial...) accessed before the user consented or after the user refused, by the app or an SDK.

    Why it matters: Art. 5(3) requires consent to access information stored on a user's device unless strictly
    necessary for the service the user asked for; identifiers used for ads and analytics never are.

    Example evidence: an advertising SDK reading the Android ID and the Wi-Fi MAC address at start-up.

    Remediation: read device identifiers only after consent, and only for purposes the user consented to.

    References: the clauses listed with the rule.
    """
    for group in timeline.collection_groups():
        if group.entry is not None and group.entry.pi_type is PIType.DEVICE_ID and group.state.consent != "accepted":
            decision = group.state.consent_marker or timeline.first_marker_after(group, ConsentDecision)
            yield Violation(group, decision=decision)


@rule(
    id="EU-GDPR-REJECT-HONORED",
    pack=PACK,
    severity="high",
    title=Text(en="Processing after the user rejected", zh="用户拒绝后仍处理个人数据（GDPR）"),
    explanation=Text(
        en="{caller} read the {data} {times} after {decision}.",
        zh="{decision}之后，{caller}仍读取了{data}，共{times}。",
    ),
    clauses=("GDPR Art. 7(3)", "GDPR Art. 21"),
)
def processing_after_rejection(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: personal data read after the user rejected the app's consent dialog (until the user consents
    later), by the app or an SDK.

    Why it matters: a rejection (or a withdrawal) must stop the processing that relied on consent, as easily as
    consent was given.

    Example evidence: the clipboard read by an analytics SDK one second after the user tapped “Disagree”.

    Remediation: pass the rejection to every SDK before it starts, and stop all consent-based processing.

    References: the clauses listed with the rule.
    """
    for group in timeline.collection_groups():
        if group.state.consent == "refused":
            yield Violation(group, decision=group.state.consent_marker)


@rule(
    id="EU-GDPR-CONSENT-UI",
    pack=PACK,
    severity="medium",
    title=Text(en="Consent dialog without a first-layer reject or with pre-ticked boxes",
               zh="同意弹窗首层无拒绝选项或默认勾选（GDPR）"),
    explanation=Text(en="The consent dialog: {subject}.", zh="同意弹窗：{subject}。"),
    clauses=("GDPR Art. 4(11), Art. 7(2)", "CJEU C-673/17 Planet49", "EDPB Guidelines 05/2020 on consent"),
)
def consent_dialog_not_free(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: the app's consent dialog offers no way to reject on its first layer, or a consent box is
    ticked before the user touched it.

    Why it matters: consent must be freely given and unambiguous: rejecting must be as easy as accepting, and a
    pre-ticked box is not consent.

    Example evidence: a dialog whose only control is “Accept all”, or whose “I agree to personalised ads” box is
    already ticked.

    Remediation: put “Reject” next to “Accept” with the same weight; leave every box unticked.

    References: the clauses listed with the rule.
    """
    for marker in timeline.markers:
        if isinstance(marker, (ConsentDecision, ConsentRefusalUnavailable, ConsentDialogShown)):
            if marker.dialog.reject is None:
                yield Violation(marker=marker, subject="no reject on the first layer")
            if marker.dialog.prechecked:
                yield Violation(marker=marker, subject="pre-ticked consent box")
