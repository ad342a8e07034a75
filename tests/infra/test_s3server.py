"""The loopback S3 server of deploy/dev/s3server.py, against a real SeaweedFS instance.

Starts its own instance on a free port in a temporary directory (never the shared
test server), checks that it enforces SigV4 on presigned URLs, and stops it.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from minio import Minio

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "dev" / "s3server.py"
ACCESS_KEY = "skillcert-infra-test"
SECRET_KEY = "skillcert-infra-test-secret"
BUCKET = "s3server-infra-test"


def _load_module() -> ModuleType:
    name = "skillcert_dev_s3server"
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Server(NamedTuple):
    module: ModuleType
    dir: Path
    port: int
    client: Minio


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    module = _load_module()
    directory = tmp_path_factory.mktemp("s3server")
    for attempt in range(3):  # another process may grab the free ports in between
        port = module.find_free_port()
        try:
            module.start(directory, port, ACCESS_KEY, SECRET_KEY)
            break
        except RuntimeError:
            if attempt == 2:
                raise
    try:
        client = Minio(
            f"127.0.0.1:{port}",
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            secure=False,
            region="us-east-1",
        )
        client.make_bucket(BUCKET)
        yield Server(module, directory, port, client)
    finally:
        module.stop(directory, timeout=2.0)
    assert not module.is_running(directory)


def _forge(url: str) -> str:
    """The same URL with one character of its signature changed."""
    parts = urlsplit(url)
    query = [
        (k, ("1" if v[0] == "0" else "0") + v[1:] if k == "X-Amz-Signature" else v)
        for k, v in parse_qsl(parts.query)
    ]
    forged = urlunsplit(parts._replace(query=urlencode(query)))
    assert forged != url
    return forged


def _s3_error(response: httpx.Response) -> str:
    text = response.text
    return text.split("<Code>", 1)[1].split("</Code>", 1)[0] if "<Code>" in text else ""


def test_start_is_idempotent_and_refuses_anonymous(server: Server) -> None:
    assert server.module.is_running(server.dir)
    started = time.monotonic()
    server.module.start(server.dir, server.port, ACCESS_KEY, SECRET_KEY)
    assert time.monotonic() - started < 5
    assert server.module.status(server.dir)["port"] == server.port

    base = f"http://127.0.0.1:{server.port}"
    assert httpx.get(f"{base}/").status_code == 403
    assert httpx.put(f"{base}/{BUCKET}/anonymous", content=b"x").status_code == 403
    with pytest.raises(RuntimeError, match="credentials"):
        server.module.start(server.dir, server.port, ACCESS_KEY, "wrong-secret")


def test_presigned_put_works(server: Server) -> None:
    url = server.client.presigned_put_object(BUCKET, "put-ok.txt", expires=timedelta(minutes=5))
    response = httpx.put(url, content=b"hello", headers={"Content-Type": "text/plain"})
    assert response.status_code == 200, response.text

    obj = server.client.get_object(BUCKET, "put-ok.txt")
    try:
        assert obj.read() == b"hello"
    finally:
        obj.close()
        obj.release_conn()

    get_url = server.client.presigned_get_object(BUCKET, "put-ok.txt")
    got = httpx.get(get_url)
    assert got.status_code == 200 and got.content == b"hello"


def test_forged_presigned_urls_are_refused(server: Server) -> None:
    url = server.client.presigned_put_object(BUCKET, "forged.txt", expires=timedelta(minutes=5))
    response = httpx.put(_forge(url), content=b"evil")
    assert response.status_code == 403
    assert _s3_error(response) == "SignatureDoesNotMatch"
    # the signature covers the key and the expiry too
    moved = httpx.put(url.replace("/forged.txt?", "/other.txt?"), content=b"evil")
    assert moved.status_code == 403
    longer = httpx.put(url.replace("X-Amz-Expires=300", "X-Amz-Expires=3000"), content=b"evil")
    assert longer.status_code == 403
    names = [o.object_name for o in server.client.list_objects(BUCKET)]
    assert "forged.txt" not in names and "other.txt" not in names

    server.client.put_object(BUCKET, "secret.txt", io.BytesIO(b"secret"), 6)
    get_url = server.client.presigned_get_object(BUCKET, "secret.txt")
    assert httpx.get(_forge(get_url)).status_code == 403


def test_expired_presigned_urls_are_refused(server: Server) -> None:
    server.client.put_object(BUCKET, "expiring.txt", io.BytesIO(b"soon gone"), 9)
    put_url = server.client.presigned_put_object(BUCKET, "late.txt", expires=timedelta(seconds=1))
    get_url = server.client.presigned_get_object(
        BUCKET, "expiring.txt", expires=timedelta(seconds=1)
    )
    time.sleep(3)

    put = httpx.put(put_url, content=b"late")
    assert put.status_code == 403
    assert _s3_error(put) == "AccessDenied"
    get = httpx.get(get_url)
    assert get.status_code == 403
    assert "expired" in get.text
    names = [o.object_name for o in server.client.list_objects(BUCKET)]
    assert "late.txt" not in names


def test_start_refuses_busy_ports(tmp_path: Path) -> None:
    module = _load_module()
    port = module.find_free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port + 3))  # the filer port of that block
        sock.listen()
        with pytest.raises(RuntimeError, match="already in use"):
            module.start(tmp_path, port, ACCESS_KEY, SECRET_KEY)
    assert not module.is_running(tmp_path)


INFRA = Path(__file__).resolve().parents[2] / "deploy" / "dev" / "infra.sh"


def _infra(port: int, directory: Path) -> subprocess.CompletedProcess[str]:
    """deploy/dev/infra.sh on its own port and folder, never the shared test server's."""
    env = {
        **os.environ,
        "SKILLCERT_TEST_S3_PORT": str(port),
        "SKILLCERT_TEST_S3_DIR": str(directory),
        "SKILLCERT_TEST_S3_GRACE": "1",
    }
    return subprocess.run(
        ["bash", str(INFRA)], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _stores_and_returns(client: Minio, bucket: str) -> bytes:
    """What a test session does first: a bucket of its own, an object in it, read back."""
    client.make_bucket(bucket)
    data = b"y" * 300_000
    client.put_object(bucket, "object", io.BytesIO(data), len(data))
    obj = client.get_object(bucket, "object")
    try:
        return bytes(obj.read())
    finally:
        obj.close()
        obj.release_conn()


def test_ensure_reuses_a_server_that_stores(server: Server, tmp_path: Path) -> None:
    pid = server.module.status(server.dir)["pid"]
    assert server.module.ensure(tmp_path, server.port, ACCESS_KEY, SECRET_KEY) == "reused"
    assert server.module.status(server.dir)["pid"] == pid
    assert not (tmp_path / "weed.pid").exists()


def test_infra_replaces_a_leftover_server_that_no_longer_stores(tmp_path: Path) -> None:
    """A SeaweedFS of ours that still lists buckets but answers 500 to a write (here it may
    hold one volume, and that one is taken), its folder deleted as `make clean` would: the
    check that listed buckets took it for healthy; infra.sh replaces it."""
    module = _load_module()
    module.VOLUME_MAX = 1
    leftover_dir = tmp_path / "leftover"
    port = module.find_free_port()
    module.start(leftover_dir, port, "skillcert", "skillcert-secret")
    leftover = module.status(leftover_dir)["pid"]
    fresh_dir = tmp_path / "fresh"
    try:
        client = Minio(
            f"127.0.0.1:{port}",
            "skillcert",
            "skillcert-secret",
            secure=False,
            region="us-east-1",
        )
        assert _stores_and_returns(client, "first-bucket") == b"y" * 300_000
        shutil.rmtree(leftover_dir)
        client.list_buckets()
        problem = module.write_read_problem(port, "skillcert", "skillcert-secret")
        assert problem == "putting an object answered 500"

        result = _infra(port, fresh_dir)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "replaced" in result.stdout, result.stdout
        assert not module._pid_alive(leftover)
        assert module.is_running(fresh_dir, port)
        assert _stores_and_returns(client, "third-bucket") == b"y" * 300_000

        again = _infra(port, fresh_dir)
        assert again.returncode == 0 and "reused" in again.stdout, again.stdout + again.stderr
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leftover, signal.SIGKILL)
        module.stop(fresh_dir, timeout=2.0)


def test_infra_leaves_a_server_it_did_not_start_alone(tmp_path: Path) -> None:
    class Broken(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(500)

        do_PUT = do_DELETE = do_GET

        def log_message(self, *args: object) -> None:
            pass

    module = _load_module()
    port = module.find_free_port()
    foreign = http.server.ThreadingHTTPServer(("127.0.0.1", port), Broken)
    thread = threading.Thread(target=foreign.serve_forever, daemon=True)
    thread.start()
    try:
        result = _infra(port, tmp_path)
        assert result.returncode != 0
        assert "not a SeaweedFS started by this script" in result.stderr, result.stderr
        assert thread.is_alive() and module._http_status(port) == 500
        assert not (tmp_path / "weed.pid").exists()
    finally:
        foreign.shutdown()
        foreign.server_close()
