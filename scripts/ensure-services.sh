#!/usr/bin/env bash
# Makes sure what the tests need is running on this machine: PostgreSQL (127.0.0.1:5432),
# Redis (127.0.0.1:6379) and Debian's Chromium (/usr/bin/chromium). Starts or installs what is
# missing when it can (as root on Debian); otherwise says what to do and fails. Never skips.
# LibreOffice Calc (/usr/bin/soffice) is installed the same way when possible; without it only
# the test opening the generated reports in LibreOffice is skipped (and CI fails that test).
set -uo pipefail

fail() { echo "ensure-services: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# PostgreSQL
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "ensure-services: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not running on 127.0.0.1:5432 and could not be started"
fi
psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null 2>&1 \
  || fail "PostgreSQL database 'test' is not reachable as user postgres (trust auth expected): createdb -h 127.0.0.1 -U postgres test"

# Redis
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "ensure-services: starting Redis" >&2
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || fail "Redis is not running on 127.0.0.1:6379 and could not be started"
fi

# Chromium for the browser tests (Debian's package; never a downloaded browser)
if [ ! -x /usr/bin/chromium ]; then
  if is_root && command -v apt-get >/dev/null; then
    echo "ensure-services: installing Debian's chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-noto-core >/dev/null \
      || fail "could not install chromium with apt-get"
  else
    fail "Chromium is missing: install Debian's package (sudo apt-get install chromium)"
  fi
fi
# LibreOffice (Calc, no GUI) to open the generated monthly reports in a test; the test is skipped
# without it on a developer's machine and required in CI (CI=true).
if [ ! -x /usr/bin/soffice ]; then
  if is_root && command -v apt-get >/dev/null; then
    echo "ensure-services: installing Debian's libreoffice-calc-nogui" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }; } \
      || echo "ensure-services: could not install LibreOffice; the report test that opens files in it will be skipped" >&2
  else
    echo "ensure-services: LibreOffice is missing (sudo apt-get install libreoffice-calc-nogui); the report test that opens files in it will be skipped" >&2
  fi
fi
exit 0
