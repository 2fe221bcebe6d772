#!/usr/bin/env bash
# Recall and precision of secret detection, for openready, gitleaks and detect-secrets on the same
# labelled corpus (generated at run time by examples/secret-corpus.rs: fake but format-valid secrets of
# every detector, and decoys). A sample counts as flagged when a tool reports anything in its file.
#   bench/secrets.sh [SEEDS]       peers from ../shared/bench/install-peers.sh (PEERS=/opt/peers)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
PEERS=${PEERS:-/opt/peers}; export PATH="$PEERS/bin:$PATH" NO_COLOR=1
seeds=${1:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cargo build --release --quiet --manifest-path "$top/Cargo.toml" --example secret-corpus
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
"$top/target/release/examples/secret-corpus" "$tmp/corpus" "$seeds"
"$top/target/release/openready" check "$tmp/corpus" --no-config --select no-secrets --format json > "$tmp/or.json" || true
if command -v gitleaks >/dev/null; then
  gitleaks dir "$tmp/corpus" --no-banner --exit-code 0 -f json -r "$tmp/gl.json" >/dev/null 2>&1 || true
fi
if command -v detect-secrets >/dev/null; then
  (cd "$tmp/corpus" && detect-secrets scan --all-files . > "$tmp/ds.json" 2>/dev/null) || true
fi
python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]; corpus = os.path.join(tmp, "corpus")
labels = {}
for kind in ("positive", "negative"):
    for f in os.listdir(os.path.join(corpus, kind)):
        labels[f"{kind}/{f}"] = kind == "positive"
def norm(p):
    p = p.replace("\\", "/")
    i = p.find("positive/"); j = p.find("negative/")
    k = i if i >= 0 else j
    return p[k:] if k >= 0 else p
def flagged_openready():
    r = json.load(open(os.path.join(tmp, "or.json")))
    return {norm(f["path"]) for rule in r["rules"] for f in rule.get("findings", []) if f.get("path")}
def flagged_gitleaks():
    p = os.path.join(tmp, "gl.json")
    if not os.path.exists(p): return None
    return {norm(f["File"]) for f in json.load(open(p)) or []}
def flagged_ds():
    p = os.path.join(tmp, "ds.json")
    if not os.path.exists(p): return None
    return {norm(f) for f in json.load(open(p)).get("results", {})}
pos = sum(labels.values()); neg = len(labels) - pos
print(f"{pos} positive samples, {neg} negative samples")
print(f"{'tool':<15} {'recall':>8} {'precision':>10} {'missed':>7} {'false':>6}")
missed_by = {}
for name, flagged in (("openready", flagged_openready()), ("gitleaks", flagged_gitleaks()), ("detect-secrets", flagged_ds())):
    if flagged is None:
        print(f"{name:<15} not installed"); continue
    tp = sum(1 for f in flagged if labels.get(f) is True)
    fp = sum(1 for f in flagged if labels.get(f) is False)
    recall = tp / pos; precision = tp / (tp + fp) if tp + fp else 0.0
    missed_by[name] = sorted(f for f, l in labels.items() if l and f not in flagged)
    print(f"{name:<15} {recall:>8.1%} {precision:>10.1%} {pos - tp:>7} {fp:>6}")
    if name == "openready":
        for f in sorted(f for f in flagged if labels.get(f) is False): print(f"  false positive: {f}")
        for f in missed_by[name]: print(f"  missed: {f}")
PY
