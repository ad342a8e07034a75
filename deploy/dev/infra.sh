#!/usr/bin/env bash
# Makes sure the servers the tests talk to are up on loopback: PostgreSQL and RabbitMQ (started
# when installed but stopped) and a SeaweedFS S3 server (started from the locked venv).
# A server that is missing altogether is a clear failure, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/../.."

S3_PORT="${SKILLCERT_TEST_S3_PORT:-18333}"
S3_DIR="${SKILLCERT_TEST_S3_DIR:-var/s3-test}"

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

# Whatever answers on the S3 port must store an object and give it back: a server is reused
# (e.g. one another checkout on this machine started) only when a write and a read in a new
# probe bucket pass. One that fails them is stopped and a fresh one started, if it is a
# SeaweedFS that s3server.py started (a leftover whose data folder was deleted lists buckets
# but answers 500 to writes); anything else on the port is left alone and reported. The lock
# keeps two checkouts from replacing the same server at once.
exec 9>"/tmp/skillcert-s3-$S3_PORT.lock"
flock 9
.venv/bin/python deploy/dev/s3server.py ensure --dir "$S3_DIR" --port "$S3_PORT" \
  --access-key skillcert --secret-key skillcert-secret --grace "${SKILLCERT_TEST_S3_GRACE:-30}"
flock -u 9
