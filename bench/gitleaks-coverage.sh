#!/usr/bin/env bash
# Every secret gitleaks reports in a repository's history, and whether openready reports it too
# (see examples/gitleaks-coverage.rs). Secrets are shown redacted.
#   bench/gitleaks-coverage.sh REPO [REPO...]      (REPOs prepared by ../shared/bench/prepare-corpus.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
PEERS=${PEERS:-/opt/peers}; export PATH="$PEERS/bin:$PATH"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cargo build --release --quiet --manifest-path "$top/Cargo.toml" --example gitleaks-coverage
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
for repo in "$@"; do
  echo "== $(basename "$repo")"
  gitleaks git "$repo" --no-banner --exit-code 0 -f json -r "$tmp/gl.json" >/dev/null 2>&1
  "$top/target/release/openready" check --no-config --select no-secrets --history --format json "$repo" > "$tmp/or.json" || true
  "$top/target/release/examples/gitleaks-coverage" "$tmp/gl.json" "$tmp/or.json"
  # the NHS-number rule on a repository that holds no patient data: nothing at error level
  "$top/target/release/openready" check --no-config --select no-nhs-numbers --history --format json "$repo" > "$tmp/nhs.json" || true
  python3 - "$tmp/nhs.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["rules"][0]
levels = {}
for f in r["findings"]:
    lv = f.get("level") or r["level"]
    levels[lv] = levels.get(lv, 0) + 1
print(f"  no-nhs-numbers over history: {r['status']} at {r['level']}; findings by level: {levels or 'none'}")
PY
done
