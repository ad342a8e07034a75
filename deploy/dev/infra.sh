#!/usr/bin/env bash
# Makes sure the servers the tests talk to are up on loopback: PostgreSQL and RabbitMQ (started
# when installed but stopped) and a SeaweedFS S3 server (started from the locked venv).
# A server that is missing altogether is a clear failure, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/../.."

S3_PORT="${SKILLCERT_TEST_S3_PORT:-18333}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do
    port_open "$port" && return 0
    sleep 1
  done
  echo "error: $name is not answering on 127.0.0.1:$port" >&2
  exit 1
}

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  else
    echo "error: PostgreSQL is not running on 127.0.0.1:5432 and is not installed" >&2
    exit 1
  fi
fi
wait_port PostgreSQL 5432

if ! port_open 5672; then
  if command -v rabbitmq-server >/dev/null 2>&1; then
    echo "starting RabbitMQ"
    rabbitmq-server -detached || true
  else
    echo "error: RabbitMQ is not running on 127.0.0.1:5672 and is not installed" >&2
    exit 1
  fi
fi
wait_port RabbitMQ 5672

# An S3 server already answering on the port with our credentials (e.g. started by another
# checkout on this machine) is reused rather than fought over.
if port_open "$S3_PORT" && .venv/bin/python - "$S3_PORT" <<'PY'
import sys
from minio import Minio
client = Minio(f"127.0.0.1:{sys.argv[1]}", "skillcert", "skillcert-secret", secure=False,
               region="us-east-1")
client.list_buckets()
PY
then
  echo "S3 server already running on 127.0.0.1:$S3_PORT"
else
  .venv/bin/python deploy/dev/s3server.py start --dir var/s3-test --port "$S3_PORT" \
    --access-key skillcert --secret-key skillcert-secret
fi
