"""An S3-compatible store for the tests: moto's S3 server, in a process of its own on a private port, serving one
request at a time.

One at a time, because moto checks a conditional write (`If-None-Match: *`) and then writes, as two steps: served
concurrently, two writers could both pass the check, which AWS, MinIO and Ceph never allow. Serialised, it
behaves as those stores do, and the tests measure our use of conditional writes, not moto's threading.

    python -m tests.batch.s3 PORT
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "consent-audit-test", "AWS_SECRET_ACCESS_KEY": "consent-audit-test",
               "AWS_DEFAULT_REGION": "us-east-1"}


def serve(port: int) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", port, DomainDispatcherApplication(create_backend_app), threaded=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server; returns it and its endpoint URL once it answers."""
    port = free_port()
    with open(log, "wb") as handle:
        process = subprocess.Popen([sys.executable, "-m", "tests.batch.s3", str(port)], stdout=handle,
                                   stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"the S3 test server did not start: {log.read_text(errors='replace')}") from None
            time.sleep(0.1)


def client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                        region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
                        config=Config(s3={"addressing_style": "path"}))


def split(url: str) -> tuple[str, str]:
    bucket, _, prefix = url[len("s3://"):].partition("/")
    return bucket, prefix.strip("/")


def mirror(s3: Any, url: str, destination: Path, *, only: tuple[str, ...] = ()) -> Path:
    """Download every object under `url` into `destination` (made anew), keeping the layout; `only`: the names
    (relative to the prefix) must end with one of these."""
    bucket, prefix = split(url)
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
        for item in page.get("Contents", []):
            name = item["Key"][len(prefix) + 1:] if prefix else item["Key"]
            if only and not name.endswith(only):
                continue
            path = destination / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
    return destination


def names(s3: Any, url: str) -> list[str]:
    bucket, prefix = split(url)
    found: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
        found += [item["Key"][len(prefix) + 1:] if prefix else item["Key"] for item in page.get("Contents", [])]
    return sorted(found)


if __name__ == "__main__":
    os.environ.setdefault("MOTO_PORT", sys.argv[1])
    serve(int(sys.argv[1]))
