#!/usr/bin/env bash
# Secret scanning speed against the peers, with ../shared/bench/compare.sh: history, tree and staged
# modes on curl and flask (prepared with ../shared/bench/prepare-corpus.sh into $CORPUS), plus
# openready's peak memory in history mode next to kingfisher's.
#   bench/scan.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
CORPUS=${CORPUS:-/tmp/corpus}; PEERS=${PEERS:-/opt/peers}; RUNS=${1:-3}
compare="$top/../shared/bench/compare.sh"
[ -x "$compare" ] || [ -f "$compare" ] || { echo "needs ../shared/bench/compare.sh"; exit 2; }
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
bin="$top/target/release/openready"
export PATH="$PEERS/bin:$PATH"
for repo in flask curl; do
  [ -d "$CORPUS/$repo" ] || { echo "skip $repo: not prepared"; continue; }
  for mode in history tree staged; do
    echo "== $repo $mode"
    bash "$compare" "$bin" "$CORPUS/$repo" "$mode" "$RUNS"
  done
  echo "== $repo peak memory, history (KB)"
  /usr/bin/time -f "openready %M" "$bin" check --select no-secrets --history --format json "$CORPUS/$repo" >/dev/null 2>"$CORPUS/.mem" || true
  tail -1 "$CORPUS/.mem"
  if command -v kingfisher >/dev/null; then
    /usr/bin/time -f "kingfisher %M" kingfisher scan "$CORPUS/$repo" -n --no-update-check -f json -o /dev/null >/dev/null 2>"$CORPUS/.mem" || true
    tail -1 "$CORPUS/.mem"
  fi
done
