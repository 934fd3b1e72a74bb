#!/usr/bin/env bash
# Fuzzes every parser a user can feed (fuzz/fuzz_targets, libFuzzer through cargo-fuzz):
#   scripts/fuzz.sh                 20 s per target (what scripts/test.sh runs)
#   scripts/fuzz.sh 600 proof_json  ten minutes of one target
#   scripts/fuzz.sh --merge 3600    an hour each, then fold what was found into fuzz/corpus
# Needs the nightly toolchain (rustup toolchain install nightly); cargo-fuzz is installed into
# target/tools from crates.io, pinned. Committed seeds: fuzz/corpus/<target>. Every file in
# fuzz/regressions/<target> (past crashes) is replayed first. A crash fails the script and
# leaves its input in fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/ and fix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

merge=0
if [ "${1:-}" = "--merge" ]; then merge=1; shift; fi
seconds="${1:-${ZKINFER_FUZZ_SECONDS:-20}}"
shift || true
all=(onnx_import compiled_json input_json proof_json snark_json aggregation_json proof_decode)
targets=("${@:-${all[@]}}")

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: the nightly Rust toolchain is required (rustup toolchain install nightly)" >&2
  exit 1
fi
tools="$ROOT/target/tools"
if ! "$tools/bin/cargo-fuzz" --version 2>/dev/null | grep -q "0.13.2"; then
  echo "fuzz: installing cargo-fuzz 0.13.2 into target/tools" >&2
  cargo install cargo-fuzz --version 0.13.2 --locked --root "$tools" --quiet
fi

# No sanitizer: the code under test is safe Rust (panics, hangs and memory are what we look
# for); coverage instrumentation and debug assertions stay on.
echo "fuzz: building ${#all[@]} targets" >&2
PATH="$tools/bin:$PATH" cargo +nightly fuzz build --fuzz-dir fuzz -s none
bin="fuzz/target/x86_64-unknown-linux-gnu/release"

for t in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    echo "fuzz: $t: replaying fuzz/regressions/$t" >&2
    "$bin/$t" -runs=1 fuzz/regressions/"$t"/* 2>&1 | tail -n 1
  fi
  work="$(mktemp -d)"
  echo "fuzz: $t for ${seconds} s" >&2
  # New inputs go to the scratch corpus (first directory); the committed one is only read.
  # -rss_limit_mb: an input that makes the process grow past 2 GB is a crash (unbounded
  # allocation); -timeout: one input running past 60 s is a hang (the first run of
  # proof_decode makes its keys and proof).
  "$bin/$t" "$work" "fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 \
    -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 2>"$work.log" \
    || { tail -n 40 "$work.log" >&2; echo "fuzz: $t FAILED, input in fuzz/artifacts/$t/" >&2; exit 1; }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" | tr '\n' ' ' >&2
  echo >&2
  if [ "$merge" = 1 ]; then "$bin/$t" -merge=1 "fuzz/corpus/$t" "$work" 2>/dev/null; fi
  rm -rf "$work" "$work.log"
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash" >&2
