"""The batch's progress: plain lines for logs, a live table on a terminal; counts, device states and the ETA."""

from __future__ import annotations

import io

from auditor.batch.applist import Job
from auditor.batch.progress import Progress, format_seconds


def _job(package: str) -> Job:
    return Job(key=f"{package}-1-0", where="a.csv:2", target=f"android:{package}", package=package,
               version_code=1, scenario="s.yaml", scenario_name="s", scenario_sha256="0", time_limit_s=60)


def test_plain_lines_tell_every_event() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=False)
    progress.start(4, 1, ["emulator-5554", "emulator-5556"])
    progress.job_started(_job("com.example.shop"), "emulator-5554")
    progress.job_retried(_job("com.example.news"), "emulator-5556", "device-lost", "device offline")
    progress.device_state("emulator-5556", "quarantined: 3 failures in a row")
    progress.job_finished(_job("com.example.shop"), "done", "completed", "", "emulator-5554")
    progress.job_finished(_job("com.example.news"), "failed", "device-lost", "device offline", "emulator-5554")
    progress.close()
    lines = [line.split(" ", 1)[1] for line in stream.getvalue().splitlines()]
    assert lines[0] == ("batch: 4 app(s), 1 already done, 3 to audit on 2 device(s): emulator-5554, "
                        "emulator-5556")
    assert lines[1] == "start com.example.shop (1) on emulator-5554"
    assert lines[2] == "retry com.example.news (1): device-lost on emulator-5556: device offline"
    assert lines[3] == "device emulator-5556: quarantined: 3 failures in a row"
    assert lines[4].startswith("done com.example.shop (1) on emulator-5554 (completed); 2/4 finished: 2 done, "
                               "0 failed, 0 poisoned, 2 remaining, ETA ")
    assert lines[5].startswith("failed com.example.news (1) on emulator-5554 (device-lost): device offline; "
                               "3/4 finished: 2 done, 1 failed, 0 poisoned, 1 remaining")


def test_live_display_shows_devices_and_counts() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=True)
    progress.start(2, 0, ["sandbox-1", "sandbox-2"])
    progress.device_state("sandbox-1", "auditing [bold]com.example.shop[/bold]")
    progress.job_finished(_job("com.example.news"), "done", "completed", "", "sandbox-2")
    progress.close()
    text = " ".join(stream.getvalue().split())
    assert "1/2 finished: 1 done, 0 failed, 0 poisoned, 1 remaining" in text
    assert "auditing [bold]com.example.shop[/bold]" in text, "device states are shown as written, not as markup"
    assert "sandbox-2" in text


def test_eta_and_durations() -> None:
    progress = Progress(io.StringIO(), live=False)
    progress.start(3, 0, ["a"])
    assert progress.eta_s() is None
    progress._started -= 10  # ten seconds into the batch, one of three done
    progress.job_finished(_job("com.example.shop"), "done", "completed", "", "a")
    eta = progress.eta_s()
    assert eta is not None and 19 <= eta <= 21
    assert (format_seconds(5), format_seconds(75), format_seconds(3725)) == ("5s", "1m15s", "1h02m")
