#!/usr/bin/env bash
# The fixed costs a pre-commit hook pays on every commit: loading and validating the built-in policy,
# opening the repository and reading the index. Times `check --staged` of one rule on a small repository
# and `openready rules` (policy loading alone), with hyperfine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
bin="$top/target/release/openready"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
git -C "$tmp" init -q
printf '# Demo\n\nA small demo repository used to time openready.\n' > "$tmp/README.md"
git -C "$tmp" add README.md
hyperfine -N -i -w 3 -r 30 \
  "$bin rules" \
  "$bin check --staged --select readme-file $tmp" \
  "$bin check --staged $tmp"
