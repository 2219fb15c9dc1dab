"""Every Java entry of the hook catalog, exercised for real: the catalog-probe sandbox app (tests/apps/catalog-probe)
calls each entry once, under real Frida hooks, in one audit run. Before each call it logs which entry, overload and
platform-internal nested entries the call is; this test walks that log and the recorded events side by side and
checks that each call produced exactly its events, with the right entry, class, method and overload, and values
masked as the entry says."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.catalog import Catalog, load_catalog
from auditor.cli import main
from auditor.masking import mask_identifier
from auditor.models import HookEvent
from auditor.store import RunData, read_run

pytestmark = pytest.mark.integration

APP = Path(__file__).resolve().parents[1] / "apps" / "catalog-probe"
LOOKAHEAD = 40
"""How many probes ahead an event may belong to before the walk calls it stray."""
PROBE_LINE = re.compile(r" I CatalogProbe: probe (?P<entry>\S+) (?P<sig>\(\S*\))(?: nested (?P<nested>\S+))?$")


@dataclass(frozen=True)
class Probe:
    entry: str
    sig: str
    nested: tuple[str, ...]

    def expected(self) -> Counter[str]:
        return Counter((self.entry, *self.nested))


@dataclass
class ProbeRun:
    data: RunData
    catalog: Catalog
    probes: list[Probe]
    events: list[HookEvent]
    """The app process's events of Java entries, in the order they happened."""
    log: str

    def by_probe(self) -> tuple[list[tuple[Probe, list[HookEvent]]], list[str]]:
        """Each probe with the events it produced, walking both sequences in step, and every mismatch found.

        A probe takes the next events as long as they are ones it expects. An event that neither it nor the next
        few probes expect is reported and skipped, so that a missing or stray event does not hide the rest."""
        pairs: list[tuple[Probe, list[HookEvent]]] = []
        problems: list[str] = []
        position = 0
        for index, probe in enumerate(self.probes):
            upcoming: Counter[str] = Counter()
            for later in self.probes[index + 1: index + 1 + LOOKAHEAD]:
                upcoming += later.expected()
            needed = probe.expected()
            taken: list[HookEvent] = []
            while position < len(self.events):
                event = self.events[position]
                if needed[event.entry] > 0:
                    needed[event.entry] -= 1
                    taken.append(event)
                elif event.entry not in upcoming:
                    problems.append(f"event {event.entry}{event.sig} (seq {event.seq}) during probe "
                                    f"{probe.entry}: no probe made it")
                else:
                    break
                position += 1
            missing = +needed
            if missing:
                problems.append(f"probe {probe.entry}{probe.sig}: no event for {sorted(missing.elements())}")
            pairs.append((probe, taken))
        problems.extend(f"event {e.entry}{e.sig} (seq {e.seq}) after the last probe"
                        for e in self.events[position:])
        return pairs, problems

    def pairs(self) -> list[tuple[Probe, list[HookEvent]]]:
        return self.by_probe()[0]


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory: pytest.TempPathFactory) -> ProbeRun:
    directory = tmp_path_factory.mktemp("catalog-probe") / "run"
    code = main(["run", "--target", f"sandbox:{APP}", "--out", str(directory)])
    assert code in (0, 1), f"the audit did not complete (exit {code})"
    data = read_run(directory)
    catalog = load_catalog()
    java_ids = {entry.id for entry in catalog.entries}
    log = (directory / "device.log").read_text(encoding="utf-8")
    probes = []
    for line in log.splitlines():
        match = PROBE_LINE.search(line)
        if match:
            nested = tuple(match["nested"].split(",")) if match["nested"] else ()
            probes.append(Probe(match["entry"], match["sig"], nested))
    events = sorted((e for e in data.events if e.process == "org.probe.catalog" and e.entry in java_ids),
                    key=lambda e: (e.pid, e.seq))
    return ProbeRun(data, catalog, probes, events, log)


def test_the_app_ran_every_probe(probe_run: ProbeRun) -> None:
    assert "CatalogProbe: done " in probe_run.log, probe_run.log[-3000:]
    assert probe_run.data.markers[-1].kind == "run-end"


def test_every_java_entry_is_exercised(probe_run: ProbeRun) -> None:
    probed = {probe.entry for probe in probe_run.probes}
    missing = sorted(entry.id for entry in probe_run.catalog.entries if entry.id not in probed)
    assert missing == [], f"entries the probe app never calls: {missing}"
    unknown = sorted(probed - {entry.id for entry in probe_run.catalog.entries})
    assert unknown == [], f"the probe app calls entries the catalog does not have: {unknown}"


def test_every_hook_installed(probe_run: ProbeRun) -> None:
    failed = [(hook.entry, hook.sig, hook.error) for record in probe_run.data.coverage for hook in record.failed
              if probe_run.catalog.get(hook.entry) in probe_run.catalog.entries]
    assert failed == []


def test_each_call_produced_exactly_its_events(probe_run: ProbeRun) -> None:
    problems = probe_run.by_probe()[1]
    assert problems == [], f"{len(problems)} mismatches:\n" + "\n".join(problems)


def test_each_event_names_its_entry_class_method_and_overload(probe_run: ProbeRun) -> None:
    wrong = []
    for probe, events in probe_run.pairs():
        entry = probe_run.catalog[probe.entry]
        own = [e for e in events if e.entry == probe.entry]
        if len(own) != 1:
            continue  # reported by test_each_call_produced_exactly_its_events
        event = own[0]
        method = "<init>" if entry.method == "$init" else entry.method
        if event.api not in (entry.api, f"{entry.class_name}.{method}"):
            wrong.append(f"{probe.entry}: api {event.api}")
        if event.sig != probe.sig:
            wrong.append(f"{probe.entry}: overload {event.sig}, the app called {probe.sig}")
        if event.thread != "main":
            wrong.append(f"{probe.entry}: thread {event.thread}")
    assert wrong == []


def test_values_are_masked_as_each_entry_says(probe_run: ProbeRun) -> None:
    wrong = []
    for event in probe_run.events:
        entry = probe_run.catalog[event.entry]
        for position, value in event.values():
            if position in entry.sensitive and value.type != "null":
                if not value.masked or value.raw is None:
                    wrong.append(f"{event.entry} {position}: kept in the clear: {value.text!r}")
            elif value.masked:
                wrong.append(f"{event.entry} {position}: masked, but the entry does not say it is sensitive")
    assert wrong == []


def luhn(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def raw(run: ProbeRun, entry_id: str, position: str = "return") -> tuple[str, str]:
    """The masked text and the unmasked value of `position` in the one event of `entry_id` a probe made."""
    events = [event for probe, events in run.pairs() if probe.entry == entry_id
              for event in events if event.entry == entry_id]
    assert len(events) == 1, (entry_id, events)
    values = dict(events[0].values())
    assert position in values, f"{entry_id}: no {position} recorded"
    value = values[position]
    return value.text, value.raw if value.raw is not None else value.text


@pytest.mark.parametrize(("entry_id", "value"), [
    ("telephony.imei", luhn("35391110184730")),
    ("telephony.subscriber-id", "460001357924680"),
    ("telephony.sim-serial", "89860012345678901234"),
    ("settings.android-id", "3f6b1c2e8d9a4b57"),
    ("settings.system-android-id", "3f6b1c2e8d9a4b57"),
    ("build.serial", "R5CR30ABCDE"),
    ("sysprop.serial", "R5CR30ABCDE"),
    ("wifi.mac", "d6:8e:41:7a:2c:95"),
    ("wifi.bssid", "f2:9c:3a:51:e8:07"),
    ("gaid.id", "38400000-8cf0-11bd-b23e-10b96e40000d"),
    ("telephony.uicc-eid", "89049032004008882600012345678907"),
    ("bluetooth.adapter-address", "02:00:00:00:00:00"),
])
def test_identifiers_are_the_devices_and_masked_to_head_and_tail(probe_run: ProbeRun, entry_id: str,
                                                                 value: str) -> None:
    text, unmasked = raw(probe_run, entry_id)
    assert unmasked == value
    assert text == mask_identifier(value)


def test_phone_numbers_sms_and_locations_are_masked_by_type(probe_run: ProbeRun) -> None:
    assert raw(probe_run, "telephony.line1-number") == (mask_identifier("+8613812345678"), "+8613812345678")
    assert raw(probe_run, "sms.message-sender") == ("<12 chars>", "106980095588")
    body_text, body = raw(probe_run, "sms.message-body")
    assert "482913" in body and "482913" not in body_text
    latitude_text, latitude = raw(probe_run, "location.latitude")
    assert (latitude_text, latitude) == ("31.2", "31.230416")
    fix_text, fix = raw(probe_run, "location.last-known")
    assert "31.230416,121.473701" in fix and "31.2,121.4" in fix_text and "31.23" not in fix_text
    clip_text, clip = raw(probe_run, "clipboard.read")
    assert "SPRING-2024-SAVE15" in clip and clip_text == f"<{len(clip)} chars>"
    assert raw(probe_run, "apps.installed-packages")[0] == "<9 items>"
    assert raw(probe_run, "content.contacts")[0] == f"<{len(raw(probe_run, 'content.contacts')[1])} chars>"


def test_network_entries_record_the_host_in_the_clear(probe_run: ProbeRun) -> None:
    receiver_text, _ = raw(probe_run, "network.url-open-connection", "this")
    assert receiver_text == "https://api.adtrack.example/v1/collect?uid=42"
    assert raw(probe_run, "network.dns-all-by-name", "arg0")[0] == "localhost"


def test_guarded_calls_the_platform_refused_are_recorded_with_the_exception(probe_run: ProbeRun) -> None:
    refused = {probe.entry: event.threw for probe, events in probe_run.pairs() for event in events
               if event.entry == probe.entry and event.threw is not None}
    assert refused["devicepolicy.wifi-mac"].cls == "java.lang.SecurityException"
    assert refused["accounts.password"].cls == "java.lang.SecurityException"
    assert refused["components.start-activity"].cls == "android.content.ActivityNotFoundException"
    assert refused["storage.shared-file-read"].cls == "java.io.FileNotFoundException"


def test_counted_entries_record_calls_without_values(probe_run: ProbeRun) -> None:
    counted = [event for event in probe_run.events if probe_run.catalog[event.entry].capture == "count"]
    assert {event.entry for event in counted} >= {"network.socket-read", "network.tls-write", "inet4.address"}
    assert all(event.args == [] and event.ret is None and event.receiver is None for event in counted)


def test_package_lookups_are_recorded_for_other_apps_only(probe_run: ProbeRun) -> None:
    lookups = [event for event in probe_run.events if probe_run.catalog[event.entry].match is not None
               and probe_run.catalog[event.entry].match.other_package]  # type: ignore[union-attr]
    assert sorted(event.args[0].text for event in lookups) == [
        "com.eg.android.AlipayGphone", "com.taobao.taobao", "com.tencent.mm", "com.tencent.mm"]
