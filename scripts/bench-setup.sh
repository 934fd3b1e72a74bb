#!/usr/bin/env bash
# Shared by the benchmark scripts (sourced): the environment, node tools, a release build of
# zkinfer and EZKL (pinned in bench/requirements.txt) in target/bench-venv; sets $venv.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
scripts/bootstrap.sh
cargo build --release --locked -p zkinfer-cli
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s bench/requirements.txt "$venv/.requirements"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r bench/requirements.txt
  cp bench/requirements.txt "$venv/.requirements"
fi
