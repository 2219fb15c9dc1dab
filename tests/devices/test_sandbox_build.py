"""The JDK check and compiling runtime and apps: cached by content, one-line errors a user can act on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from auditor.devices.sandbox import SandboxBackend
from auditor.devices.sandbox_build import _compile_error, build_runtime, find_jdk
from auditor.errors import EnvironmentProblem, InputError
from tests.devices.sandbox_support import APPS

LAUNCHER_MANIFEST = """<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="org.bad">
  <application android:label="Bad">
    <activity android:name=".Main">
      <intent-filter>
        <action android:name="android.intent.action.MAIN"/>
        <category android:name="android.intent.category.LAUNCHER"/>
      </intent-filter>
    </activity>
  </application>
</manifest>
"""


def fake_jdk(root: Path, version_line: str, with_javac: bool = True) -> Path:
    """A JDK folder whose `java -version` prints `version_line`, as a different JDK would."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\necho 'OpenJDK 64-Bit Server VM (fake)' >&2\n")
    java.chmod(0o755)
    if with_javac:
        javac = bin_dir / "javac"
        javac.write_text("#!/bin/sh\nexit 1\n")
        javac.chmod(0o755)
    return root


def test_the_installed_jdk_is_17() -> None:
    jdk = find_jdk()
    assert jdk.version.split(".")[0] == "17"
    assert jdk.javac.is_file() and "VM" in jdk.runtime


def test_another_major_version_is_refused_naming_frida(tmp_path: Path) -> None:
    home = fake_jdk(tmp_path / "jdk21", 'openjdk version "21.0.2" 2024-01-16')
    with pytest.raises(EnvironmentProblem) as caught:
        find_jdk(home)
    message = str(caught.value)
    assert "Java 21.0.2" in message and "needs Java 17" in message and "HotSpot 18 or later" in message
    assert "\n" not in message


def test_java_8_version_strings_are_read_as_8(tmp_path: Path) -> None:
    home = fake_jdk(tmp_path / "jdk8", 'openjdk version "1.8.0_392"')
    with pytest.raises(EnvironmentProblem, match=r"Java 1\.8\.0_392"):
        find_jdk(home)


def test_environment_variable_selects_the_jdk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_AUDIT_JAVA_HOME", str(fake_jdk(tmp_path / "jdk11", 'openjdk version "11.0.21"')))
    with pytest.raises(EnvironmentProblem, match="Java 11.0.21"):
        find_jdk()


def test_no_java_at_all_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSENT_AUDIT_JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EnvironmentProblem, match="apt-get install openjdk-17-jdk-headless"):
        find_jdk()
    with pytest.raises(EnvironmentProblem, match="no Java at"):
        find_jdk(tmp_path / "missing")


def test_a_jre_without_javac_is_refused(tmp_path: Path) -> None:
    real = find_jdk()
    home = tmp_path / "jre"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").symlink_to(os.path.realpath(real.java))
    with pytest.raises(EnvironmentProblem, match="no `javac`"):
        find_jdk(home)


def test_wrong_jdk_stops_the_backend_before_anything_runs(tmp_path: Path, sandbox_cache: Path) -> None:
    home = fake_jdk(tmp_path / "jdk21", 'openjdk version "21"')
    with pytest.raises(EnvironmentProblem, match="needs Java 17"):
        SandboxBackend(APPS / "probe", java_home=home, cache_dir=sandbox_cache)


def test_runtime_is_compiled_once_per_content(sandbox_cache: Path) -> None:
    jdk = find_jdk()
    first = build_runtime(jdk, sandbox_cache)
    assert (first / "android" / "app" / "ActivityThread.class").is_file()
    assert (first / "consentaudit" / "sandbox" / "Launcher.class").is_file()
    stamp = (first.parent / ".complete").stat().st_mtime_ns
    assert build_runtime(jdk, sandbox_cache) == first
    assert (first.parent / ".complete").stat().st_mtime_ns == stamp


def test_javac_error_points_at_the_first_error(tmp_path: Path, sandbox_cache: Path) -> None:
    app = tmp_path / "bad"
    (app / "src" / "org" / "bad").mkdir(parents=True)
    (app / "AndroidManifest.xml").write_text(LAUNCHER_MANIFEST)
    source = app / "src" / "org" / "bad" / "Main.java"
    source.write_text("package org.bad;\n\npublic class Main extends android.app.Activity {\n"
                      "    void f() { int x = \"text\"; }\n    void g() { undefined(); }\n}\n")
    with pytest.raises(InputError) as caught:
        SandboxBackend(app, cache_dir=sandbox_cache)
    assert caught.value.where == f"{source}:4"
    assert "incompatible types" in caught.value.message
    assert "\n" not in str(caught.value)


def test_a_declared_component_without_a_class_is_an_input_error(tmp_path: Path, sandbox_cache: Path) -> None:
    app = tmp_path / "missing"
    shutil.copytree(APPS / "static-imei", app)
    manifest = app / "AndroidManifest.xml"
    manifest.write_text(manifest.read_text().replace(".EarlyActivity", ".LateActivity"))
    with pytest.raises(InputError, match=r"activity org\.probe\.imei\.LateActivity is declared but no such class") \
            as caught:
        SandboxBackend(app, cache_dir=sandbox_cache)
    assert caught.value.where == f"{manifest}:6"


def test_an_app_without_sources(tmp_path: Path, sandbox_cache: Path) -> None:
    (tmp_path / "AndroidManifest.xml").write_text(LAUNCHER_MANIFEST)
    with pytest.raises(InputError, match="no Java sources"):
        SandboxBackend(tmp_path, cache_dir=sandbox_cache)


def test_compile_error_without_a_location_is_still_one_line() -> None:
    error = _compile_error("error: invalid flag: --bogus\nUsage: javac <options>\n", "/apps/x")
    assert str(error) == "/apps/x: javac failed: error: invalid flag: --bogus"
