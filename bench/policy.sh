#!/usr/bin/env bash
# Times openready's whole default policy on HEAD against repolinter and alint, on real repositories,
# with ../shared/bench (peer installer, corpus preparation, side-by-side timing) when it is beside this
# checkout. Prints ratios (openready/peer; below 1 means openready is faster) and peak memory.
#
#   bench/policy.sh [REPO_DIR...]      default: $CORPUS/curl and $CORPUS/flask (CORPUS=/tmp/corpus)
#
# Prepare the corpora once: fetch curl/curl and pallets/flask, then
#   ../shared/bench/prepare-corpus.sh <git dir> curl   (and flask)
# and install the peers: ../shared/bench/install-peers.sh --alint
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
shared=${SHARED:-$top/../shared}
CORPUS=${CORPUS:-/tmp/corpus}
RUNS=${RUNS:-10}
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
bin="$top/target/release/openready"
repos=("$@"); [ ${#repos[@]} -gt 0 ] || repos=("$CORPUS/curl" "$CORPUS/flask")
for repo in "${repos[@]}"; do
  [ -d "$repo" ] || { echo "skip $repo: not prepared (see the header of this script)"; continue; }
  echo "== $(basename "$repo"): $(git -C "$repo" ls-files | wc -l) files at HEAD"
  if [ -x "$shared/bench/compare.sh" ]; then
    bash "$shared/bench/compare.sh" "$bin" "$repo" policy "$RUNS"
  else
    hyperfine -N -w 2 -r "$RUNS" "$bin check --format json $repo"
  fi
  # peak memory of the whole policy
  /usr/bin/time -f "openready peak memory: %M KB" "$bin" check --format json --output /dev/null "$repo" >/dev/null
done
