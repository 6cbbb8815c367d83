#!/bin/sh
# `make verify-report`: run attrs' and tornado's own test suites (sdists from PyPI, pinned) plain and under
# `heaplint verify`, for docs/verify-report.md. Needs network (PyPI); not part of `make test`.
# Outputs in .verify-work/ (git-ignored): *-plain.log, *-verify.json, *-verify.err, with `time` lines
# (wall seconds, user and system CPU seconds, max RSS: on a shared machine the CPU times are the
# comparable numbers).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${HEAPLINT_BIN:-$ROOT/.build/debug/heaplint}
WORK=$ROOT/.verify-work
mkdir -p "$WORK/src"
cd "$WORK"
[ -x venv/bin/python ] || python3 -m venv venv
venv/bin/pip -q --disable-pip-version-check download --no-deps --no-binary :all: -d sdists attrs==25.4.0 tornado==6.5.2
TORNADO_EXTENSION=0 venv/bin/pip -q --disable-pip-version-check install sdists/attrs-25.4.0.tar.gz \
    sdists/tornado-6.5.2.tar.gz pytest==8.3.4 hypothesis==6.122.3 cloudpickle==3.1.0 pympler==1.1
tar xzf sdists/attrs-25.4.0.tar.gz -C src
tar xzf sdists/tornado-6.5.2.tar.gz -C src
# attrs: a documented subset (three of its largest modules); the whole suite takes minutes plain.
ATTRS_TESTS="tests/test_make.py tests/test_funcs.py tests/test_dunders.py"
# PYTHONPATH=src: the tests import attrs from the source tree heaplint checks (src/), not from the copy
# installed in the venv's site-packages, which the harness counts as library code.
cd "$WORK/src/attrs-25.4.0"
export PYTHONPATH=src
/usr/bin/time -f "%e s wall %U s user %S s sys %M KB" ../../venv/bin/python -m pytest -q -p no:cacheprovider $ATTRS_TESTS > ../../attrs-plain.log 2>&1 || true
/usr/bin/time -f "%e s wall %U s user %S s sys %M KB" "$BIN" verify --frames 1 --output-format json --exit-zero src -- \
    ../../venv/bin/python -m pytest -q -p no:cacheprovider $ATTRS_TESTS > ../../attrs-verify.json 2> ../../attrs-verify.err || true
# tornado: its own unittest runner (not pytest: the harness flushes every HEAPLINT_VERIFY_FLUSH objects).
cd "$WORK/src/tornado-6.5.2"
unset PYTHONPATH  # tornado runs from its source tree (the current directory is first on sys.path)
/usr/bin/time -f "%e s wall %U s user %S s sys %M KB" ../../venv/bin/python -m tornado.test.runtests > ../../tornado-plain.log 2>&1 || true
/usr/bin/time -f "%e s wall %U s user %S s sys %M KB" "$BIN" verify --frames 1 --output-format json --exit-zero tornado -- \
    ../../venv/bin/python -m tornado.test.runtests > ../../tornado-verify.json 2> ../../tornado-verify.err || true
tail -n 1 "$WORK"/*-plain.log "$WORK"/*-verify.err
