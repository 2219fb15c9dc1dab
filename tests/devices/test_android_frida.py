"""The device side of auditor/instrument.py with real Frida on this machine: a process spawned suspended stays
held; `init` of a held process is posted, acknowledged, the process resumed, and the answer awaited, with an
agent whose `init`, like Java.perform on Android, can only answer once the process runs."""

from __future__ import annotations

import pytest
from frida.core import RPCException

from auditor.errors import DeviceError
from auditor.instrument import FridaDevice, FridaTarget, _init_and_resume

pytestmark = pytest.mark.integration

# init answers when the process first writes, which it can only do once resumed: the hook must be in before.
AGENT = """
rpc.exports = {
  init(request) {
    return new Promise(resolve => {
      const listener = Interceptor.attach(Module.getGlobalExportByName('write'), {
        onEnter() { listener.detach(); resolve({ ts: Date.now(), installed: [], failed: [], echo: request }); }
      });
    });
  },
  cursor() { return { ts: Date.now(), seq: 0 }; }
};
"""


def test_held_process_is_resumed_while_init_completes() -> None:
    device = FridaDevice(FridaTarget("local"))
    try:
        pid = device.spawn(["/bin/sh", "-c", "echo started; sleep 1"])
        assert device.is_held(pid) and device.held() == [pid]
        session = device.raw.attach(pid)
        script = session.create_script(AGENT)
        script.load()
        reply = _init_and_resume(script, {"process": "sh"}, lambda: device.resume(pid), "sh")
        assert reply["echo"] == {"process": "sh"}
        assert not device.is_held(pid)
        assert "post" not in vars(script)  # the wrapper is gone again
        assert device.resume(pid) is False  # resuming twice is harmless
        session.detach()
    finally:
        device.close()


def test_init_error_before_resume_leaves_the_process_held() -> None:
    device = FridaDevice(FridaTarget("local"))
    try:
        pid = device.spawn(["/bin/sh", "-c", "echo started"])
        session = device.raw.attach(pid)
        script = session.create_script("rpc.exports = { init() { throw new Error('no Java VM'); }, cursor() {} };")
        script.load()
        with pytest.raises(RPCException, match="no Java VM"):
            _init_and_resume(script, {}, lambda: device.resume(pid), "sh")
        assert device.is_held(pid)
        session.detach()
    finally:
        device.close()  # resumes what is still held
    assert device.held() == []


def test_unreachable_remote_device_is_one_line() -> None:
    device = FridaDevice(FridaTarget("remote", address="127.0.0.1:9"))
    try:
        with pytest.raises(DeviceError, match="frida-server at 127.0.0.1:9: cannot query the device"):
            device.parameters()
    finally:
        device.close()
