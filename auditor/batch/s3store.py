"""A batch's results in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2...): `--out
s3://BUCKET/PREFIX`, for labs whose hosts share a bucket rather than a file system.

The layout is the folder's, under PREFIX, with one difference: an object store cannot rename a folder, so a job's
result is committed by a pointer. An attempt uploads its run under the job's folder in a sub-folder of its own
(`apps/KEY/NNN/run/...`, NNN its attempt number, given to one attempt only), then creates `apps/KEY/result.json`
(naming `NNN/run`) with a conditional write (`If-None-Match: *`): the store accepts the first, refuses every later
one, so a job completed twice has one result and the second completion is moved to `state/KEY/duplicates/NNN/`.
Attempt records are created the same way; a running attempt rewrites its record every few seconds, and its age is
measured against the store's own clock (the `Date` of the listing that found it), never against this host's.

The store must honour conditional writes (AWS since 2024, MinIO, Ceph Squid, R2 do): `prepare` checks it and
refuses a store that does not, since exactness depends on it. Credentials and the endpoint come from the usual
places of the AWS tools (`AWS_ACCESS_KEY_ID`, `~/.aws/credentials`, `AWS_ENDPOINT_URL`, `AWS_PROFILE`...).
An attempt records into a local staging folder and its files are uploaded when it ends.
"""

from __future__ import annotations

import email.utils
import mimetypes
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.batch.jobs import (
    HEARTBEAT_S,
    RESULT,
    STALE_AFTER_S,
    AttemptRecord,
    JobResult,
    JobStore,
    process_alive,
    verification_problem,
)
from auditor.errors import EnvironmentProblem, InputError

LOCK_OBJECT = ".batch.lock"
STAGING_PREFIX = "consent-audit-staging-"
STAGING_LABEL = "store.txt"
_REFUSED = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
"""What a store answers a conditional write whose object exists (412), or is being written by another (409)."""
_ABSENT = frozenset({"NoSuchKey", "404", "NotFound"})


def parse_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of s3://BUCKET/PREFIX; the prefix has no leading or trailing slash."""
    rest = url[len("s3://"):]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise InputError(f"--out {url!r}: name the bucket, s3://BUCKET/PREFIX")
    return bucket, prefix.strip("/")


def make_client() -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise EnvironmentProblem("an s3:// output needs boto3: pip install 'consent-audit[s3]'") from None
    custom_endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    # Stores other than AWS answer on one host name: the bucket goes in the path, not in a DNS name.
    # AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, when set, are the user's; otherwise ride out a store's short outages.
    retries = {} if os.environ.get("AWS_MAX_ATTEMPTS") else {"retries": {"max_attempts": 6, "mode": "standard"}}
    config = Config(connect_timeout=10, read_timeout=60,
                    s3={"addressing_style": "path" if custom_endpoint else "auto"}, **retries)
    return boto3.client("s3", config=config)


class S3JobStore(JobStore):
    def __init__(self, url: str, client: Any = None) -> None:
        self.bucket, self.prefix = parse_url(url)
        self.location = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        self._client = client
        self._staging: Path | None = None
        self._bodies: dict[tuple[str, int], bytes] = {}
        """Attempt records this process owns, as last written: a heartbeat writes them again."""
        self._verified: dict[tuple[str, str], str] = {}
        """Verification outcomes by (key, ETag of result.json): a committed run is downloaded once per process."""
        self._prepared = False

    # Plumbing -------------------------------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client()
        return self._client

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def _call(self, operation: str, **arguments: Any) -> Any:
        """One S3 request; a store that cannot be reached or refuses us is an infrastructure failure, said in one
        line. Conditional-write refusals and missing objects are raised as they are, for callers to read."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(**arguments)
        except ClientError as exc:
            if _error_code(exc) in _REFUSED | _ABSENT:
                raise
            name = arguments.get("Key", arguments.get("Prefix", ""))
            raise EnvironmentProblem(f"S3 store {self.location}: {operation} {name}: {_one_line(exc)}") from None
        except BotoCoreError as exc:
            raise EnvironmentProblem(f"S3 store {self.location}: {operation}: {_one_line(exc)}") from None

    def _put(self, name: str, data: bytes, *, exclusive: bool = False, content_type: str = "") -> bool:
        """Write one object; with `exclusive`, only if it does not exist yet (False when it does)."""
        from botocore.exceptions import ClientError

        arguments: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(name), "Body": data}
        if content_type:
            arguments["ContentType"] = content_type
        if exclusive:
            arguments["IfNoneMatch"] = "*"
        try:
            self._call("put_object", **arguments)
        except ClientError as exc:
            if exclusive and _error_code(exc) in _REFUSED:
                return False
            raise EnvironmentProblem(f"S3 store {self.location}: put_object {name}: {_one_line(exc)}") from None
        return True

    def _object(self, operation: str, name: str) -> Any:
        """The answer of `operation` (get_object, head_object) on object `name`, or None when it does not exist."""
        from botocore.exceptions import ClientError

        try:
            return self._call(operation, Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if _error_code(exc) in _ABSENT:
                return None
            raise EnvironmentProblem(f"S3 store {self.location}: {operation} {name}: {_one_line(exc)}") from None

    def _get(self, name: str) -> tuple[bytes, str] | None:
        """An object's body and ETag, or None when it does not exist."""
        answer = self._object("get_object", name)
        return None if answer is None else (answer["Body"].read(), str(answer.get("ETag", "")))

    def _list(self, folder: str) -> Iterator[tuple[str, float]]:
        """(name relative to `folder`, seconds since it was written by the store's clock) of every object under
        `folder`, in name order."""
        folder = folder.strip("/")
        prefix = self._key(f"{folder}/" if folder else "")
        token: str | None = None
        while True:
            arguments: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                arguments["ContinuationToken"] = token
            page = self._call("list_objects_v2", **arguments)
            now = _server_time(page)
            for item in page.get("Contents", []):
                yield item["Key"][len(prefix):], max(0.0, now - item["LastModified"].timestamp())
            if not page.get("IsTruncated"):
                return
            token = page.get("NextContinuationToken")

    def _delete(self, names: list[str]) -> None:
        for start in range(0, len(names), 1000):
            chunk = [{"Key": self._key(name)} for name in names[start:start + 1000]]
            self._call("delete_objects", Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})

    def _move(self, source: str, target: str) -> None:
        """Move every object under folder `source` to folder `target` (copy, then delete)."""
        names = [name for name, _ in self._list(source)]
        for name in names:
            self._call("copy_object", Bucket=self.bucket, Key=self._key(f"{target}/{name}"),
                       CopySource={"Bucket": self.bucket, "Key": self._key(f"{source}/{name}")})
        self._delete([f"{source}/{name}" for name in names])

    def _transfer(self, operation: str, name: str, path: Path, **extra: Any) -> None:
        """upload_file or download_file: streamed, in parts for large files (a run's events can be large)."""
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            getattr(self.client, operation)(Bucket=self.bucket, Key=self._key(name), Filename=str(path), **extra)
        except (Boto3Error, BotoCoreError, ClientError) as exc:
            raise EnvironmentProblem(f"S3 store {self.location}: {operation} {name}: {_one_line(exc)}") from None

    def _upload_folder(self, local: Path, folder: str, *, skip: frozenset[str] = frozenset()) -> None:
        for path in sorted(p for p in local.rglob("*") if p.is_file()):
            relative = path.relative_to(local).as_posix()
            if relative not in skip:
                self._transfer("upload_file", f"{folder}/{relative}", path,
                               ExtraArgs={"ContentType": _content_type(path)})

    # The store ------------------------------------------------------------------------------------------------
    @property
    def scratch(self) -> Path:
        if self._staging is None:
            # Named by this process, and labelled with the store, so that what a killed process staged can be
            # found and kept by the next one on this host (`recover_staged`).
            self._staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
            (self._staging / STAGING_LABEL).write_text(self.location + "\n", encoding="utf-8")
        return self._staging

    def recover_staged(self) -> list[str]:
        """Keep in the store what processes of this host that have died had staged for it: the attempts they were
        recording when killed (their partial run directories and logs), as `state/KEY/work/NNN/`, the place a
        folder store keeps them. Returns what was kept."""
        kept: list[str] = []
        for folder in sorted(Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*")):
            owner = folder.name[len(STAGING_PREFIX):].partition("-")[0]
            try:
                label = (folder / STAGING_LABEL).read_text(encoding="utf-8").strip()
            except OSError:
                continue
            if label != self.location or not owner.isdigit() or process_alive(int(owner)):
                continue
            for work in sorted(p for p in folder.glob("*/*") if p.is_dir()):
                key, attempt = work.parent.name, work.name
                if attempt.isdigit():
                    self._upload_folder(work, f"state/{key}/work/{attempt}")
                    kept.append(f"{self.location}/state/{key}/work/{attempt}")
            shutil.rmtree(folder, ignore_errors=True)
        return kept

    def prepare(self) -> None:
        """Check the bucket is reachable and writable, and honours conditional writes (exactness needs them)."""
        if self._prepared:
            return
        probe = f".probe-{uuid.uuid4().hex}"
        try:
            if not self._put(probe, b"probe\n", exclusive=True):
                raise EnvironmentProblem(f"S3 store {self.location}: cannot create a probe object")
            honoured = not self._put(probe, b"again\n", exclusive=True)
        finally:
            try:
                self._delete([probe])
            except EnvironmentProblem:
                pass
        if not honoured:
            raise EnvironmentProblem(f"S3 store {self.location} ignores conditional writes (If-None-Match): a job "
                                     "could be done twice there; use a store that supports them, or a folder")
        self._prepared = True
        self.recover_staged()

    def work_dir(self, key: str, attempt: int) -> Path:
        return self.scratch / key / f"{attempt:03d}"

    def _record_name(self, key: str, attempt: int) -> str:
        return f"state/{key}/attempts/{attempt:03d}.json"

    def _count_records(self, key: str) -> int:
        return sum(1 for _ in self._list(f"state/{key}/attempts"))

    def _create_record(self, key: str, record: AttemptRecord) -> bool:
        body = (record.model_dump_json(indent=2) + "\n").encode()
        if not self._put(self._record_name(key, record.attempt), body, exclusive=True):
            return False
        self._bodies[(key, record.attempt)] = body
        return True

    def _replace_record(self, key: str, record: AttemptRecord) -> None:
        body = (record.model_dump_json(indent=2) + "\n").encode()
        self._put(self._record_name(key, record.attempt), body)
        self._bodies.pop((key, record.attempt), None)

    def _records(self, key: str) -> list[tuple[AttemptRecord, float]]:
        found: list[tuple[AttemptRecord, float]] = []
        for name, age in self._list(f"state/{key}/attempts"):
            got = self._get(f"state/{key}/attempts/{name}")
            if got is None:
                continue
            try:
                found.append((AttemptRecord.model_validate_json(got[0]), age))
            except (ValidationError, ValueError):
                continue
        return found

    def heartbeat(self, key: str, attempt: int) -> None:
        body = self._bodies.get((key, attempt))
        if body is None:
            return
        try:
            self._put(self._record_name(key, attempt), body)
        except EnvironmentProblem:
            pass  # a missed beat; the next one may get through, and STALE_AFTER_S spans several

    def commit(self, key: str, work: Path) -> bool:
        result = JobResult.model_validate_json((work / RESULT).read_bytes())
        own = f"{result.attempt:03d}"
        self._upload_folder(work, f"apps/{key}/{own}", skip=frozenset({RESULT}))
        pointer = result.model_copy(update={"run": f"{own}/{result.run}" if result.run else None,
                                            "report": f"{own}/{result.report}" if result.report else None})
        body = (pointer.model_dump_json(indent=2) + "\n").encode()
        won = self._put(f"apps/{key}/{RESULT}", body, exclusive=True, content_type="application/json")
        if not won:
            target = f"state/{key}/duplicates/{own}-{int(time.time())}"
            self._move(f"apps/{key}/{own}", target)
            self._put(f"{target}/{RESULT}", (work / RESULT).read_bytes(), content_type="application/json")
        shutil.rmtree(work, ignore_errors=True)
        return won

    def keep_work(self, key: str, attempt: int) -> None:
        work = self.work_dir(key, attempt)
        if work.is_dir():
            self._upload_folder(work, f"state/{key}/work/{attempt:03d}")
            shutil.rmtree(work, ignore_errors=True)

    def read_result(self, key: str) -> JobResult | None:
        found = self._committed(key)
        return found[0] if found else None

    def has_result_folder(self, key: str) -> bool:
        # An upload cut short before its result.json is not a result: the next attempt uploads beside it.
        return self._object("head_object", f"apps/{key}/{RESULT}") is not None

    def _committed(self, key: str) -> tuple[JobResult | None, str] | None:
        got = self._get(f"apps/{key}/{RESULT}")
        if got is None:
            return None
        try:
            return JobResult.model_validate_json(got[0]), got[1]
        except (ValidationError, ValueError):
            return None, got[1]

    def _verify(self, key: str, result: JobResult, token: str) -> str:
        assert result.run is not None
        known = self._verified.get((key, token))
        if known is not None:
            return known
        folder = f"apps/{key}/{result.run}"
        with tempfile.TemporaryDirectory(prefix="consent-audit-verify-") as temporary:
            local = Path(temporary) / "run"
            for name, _ in self._list(folder):
                path = local / name
                path.parent.mkdir(parents=True, exist_ok=True)
                self._transfer("download_file", f"{folder}/{name}", path)
            if not local.is_dir():
                problem = f"{self.location}/{folder}: the run directory is missing"
            else:
                problem = verification_problem(local).replace(str(local), f"{self.location}/{folder}")
        self._verified[(key, token)] = problem
        return problem

    def set_aside(self, key: str, why: str) -> str:
        target = f"state/{key}/rejected-{int(time.time())}"
        self._move(f"apps/{key}", target)
        self._put(f"{target}/REJECTED.txt", (why + "\n").encode(), content_type="text/plain")
        return f"{self.location}/{target}"

    def publish(self, name: str, data: bytes, content_type: str) -> str:
        self._put(name, data, content_type=content_type)
        return f"{self.location}/{name}"

    def lock(self, *, resume: bool) -> AbstractContextManager[object]:
        return _BucketLock(self, resume)

    def holds_batch(self) -> bool:
        return any(True for _ in self._list("apps")) or any(True for _ in self._list("state"))

    def holds_other_files(self) -> bool:
        return any(name != LOCK_OBJECT for name, _ in self._list(""))

    def age(self, name: str) -> float | None:
        """Seconds since object `name` was last written, by the store's clock; None when it does not exist."""
        answer = self._object("head_object", name)
        return None if answer is None else max(0.0, _server_time(answer) - float(answer["LastModified"].timestamp()))

    def close(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


class _BucketLock:
    """One batch at a time on a prefix: a lock object created exclusively and rewritten while the batch runs; one
    not rewritten for STALE_AFTER_S belonged to a batch that was killed, and is taken over."""

    def __init__(self, store: S3JobStore, resume: bool) -> None:
        self.store = store
        self.resume = resume
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._body = f"pid {os.getpid()} on {os.uname().nodename}\n".encode()

    def __enter__(self) -> _BucketLock:
        store = self.store
        holds_batch = store.holds_batch()
        if holds_batch and not self.resume:
            raise InputError("this S3 prefix holds a batch already", where=store.location,
                             hint="add --resume to continue it (done apps are skipped), or choose another --out")
        if not holds_batch and store.holds_other_files():
            raise InputError("this S3 prefix holds files that are not a batch's", where=store.location,
                             hint="choose an empty or new prefix")
        if not store._put(LOCK_OBJECT, self._body, exclusive=True):
            age = store.age(LOCK_OBJECT)
            got = store._get(LOCK_OBJECT)
            owner = got[0].decode(errors="replace").strip() if got else "another process"
            if age is not None and age < STALE_AFTER_S and not _owner_gone(owner):
                raise InputError(f"another batch is running on this prefix ({owner})", where=store.location,
                                 hint=f"a batch killed on another host leaves its lock; it is taken over "
                                      f"{STALE_AFTER_S:.0f} s after its last refresh")
            store._put(LOCK_OBJECT, self._body)  # its batch is gone: take it over
        self._thread = threading.Thread(target=self._refresh, name="batch-lock", daemon=True)
        self._thread.start()
        return self

    def _refresh(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                self.store._put(LOCK_OBJECT, self._body)
            except EnvironmentProblem:
                pass

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_S * 2)
        try:
            self.store._delete([LOCK_OBJECT])
        except EnvironmentProblem:
            pass


def _owner_gone(owner: str) -> bool:
    """The lock's batch ran on this host and its process has ended (a batch killed here: no need to wait)."""
    words = owner.split()
    if len(words) != 4 or words[0] != "pid" or words[2] != "on" or words[3] != os.uname().nodename:
        return False
    return words[1].isdigit() and not process_alive(int(words[1]))


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _server_time(response: dict[str, Any]) -> float:
    """The store's clock at `response` (its Date header), so that ages never depend on this host's clock."""
    header = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    if header:
        try:
            return email.utils.parsedate_to_datetime(header).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()


def _content_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed:
        return guessed
    return "application/x-ndjson" if path.suffix == ".jsonl" else "application/octet-stream"
