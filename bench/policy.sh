#!/usr/bin/env bash
# Times openready's whole default policy on HEAD against repolinter and alint on real repositories, and
# prints ratios (openready/peer: below 1 means openready is faster) and openready's peak memory.
#
#   bench/policy.sh [REPO_DIR...]      default: $CORPUS/curl and $CORPUS/flask (CORPUS=/tmp/corpus)
#
# Set-up, once (../shared/bench is beside CI's checkout):
#   ../shared/bench/install-peers.sh --alint          # repolinter, alint, ...; PATH gets /opt/peers/bin
#   fetch curl/curl and pallets/flask, then ../shared/bench/prepare-corpus.sh <git dir> curl (and flask)
#
# This script times the peers itself rather than through ../shared/bench/compare.sh's `policy` mode:
# that mode writes an alint config without the `version` key alint 0.21 requires, so alint exits at
# once with an error (2 ms) and the comparison would be void. Here alint gets a valid config for its
# bundled oss-baseline ruleset.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
CORPUS=${CORPUS:-/tmp/corpus}; RUNS=${RUNS:-20}; PEERS=${PEERS:-/opt/peers}
export PATH="$PEERS/bin:$PATH" NO_COLOR=1
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
bin="$top/target/release/openready"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
printf 'version: 1\nextends:\n  - alint://bundled/oss-baseline@v1\n' > "$out/alint.yml"
repos=("$@"); [ ${#repos[@]} -gt 0 ] || repos=("$CORPUS/curl" "$CORPUS/flask")
for repo in "${repos[@]}"; do
  [ -d "$repo" ] || { echo "skip $repo: not prepared (see the header of this script)"; continue; }
  echo "== $(basename "$repo"): $(git -C "$repo" ls-files | wc -l) files at HEAD"
  names=(openready); cmds=("$bin check --format json $repo")
  command -v repolinter >/dev/null && { names+=(repolinter); cmds+=("repolinter lint $repo"); }
  if command -v alint >/dev/null; then
    alint -c "$out/alint.yml" check "$repo" >/dev/null 2>&1 || [ $? -eq 1 ] || { echo "alint failed on $repo"; exit 1; }
    names+=(alint); cmds+=("alint -c $out/alint.yml check $repo")
  fi
  hyperfine -N -i -w 3 -r "$RUNS" --export-json "$out/h.json" "${cmds[@]}" >/dev/null
  python3 - "$out/h.json" "${names[@]}" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]; names = sys.argv[2:]
base = res[0]["median"]
print(f"{'tool':<12} {'median s':>9} {'min s':>8} {'max s':>8} {'openready/tool':>15}")
for n, r in zip(names, res):
    print(f"{n:<12} {r['median']:>9.4f} {r['min']:>8.4f} {r['max']:>8.4f} {base / r['median']:>15.2f}")
PY
  /usr/bin/time -f "openready peak memory: %M KB" "$bin" check --format json --output /dev/null "$repo" >/dev/null || true
done
