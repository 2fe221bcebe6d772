#!/usr/bin/env bash
# What identifying licences adds to a run: the whole default policy on a small repository with and
# without the licence rules, for a plain MIT repository and for the NHS dual licence (MIT + OGL in one
# file), and a `check --staged` that runs no licence rule (which must not load any reference data).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
bin="$top/target/release/openready"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
licence_rules=licence-file,licence-approved,licence-full-text,copyright-notice,copyright-crown,readme-licence,docs-licence,licence-scope,manifest-licence,dependency-licences,notice-file
make_repo() { # name, licence file(s) from the corpus
  local d="$tmp/$1"; mkdir -p "$d"; shift
  cp -r "$@" "$d/"
  printf '# Demo\n\nA small demo repository used to time openready.\n\n## Licence\n\nMIT and OGL v3.\n' > "$d/README.md"
  git -C "$d" init -q && git -C "$d" add -A && git -C "$d" -c user.name=b -c user.email=b@nhs.example commit -qm init
}
# the default policy's rules without the licence rules, and with them
base_rules=$("$bin" rules --no-config | tail -n +2 | awk '{print $1}' | grep -vxF -f <(tr , '\n' <<<"$licence_rules") | paste -sd, -)
with="--select $base_rules,$licence_rules"; without="--select $base_rules"
corpus="$top/fixtures/licence-corpus"
make_repo mit "$corpus"/01-*/LICENCE.md
make_repo dual "$corpus"/33-*/LICENCE
hyperfine -N -i -w 3 -r 30 \
  "$bin check $tmp/mit $without" \
  "$bin check $tmp/mit $with" \
  "$bin check $tmp/dual $without" \
  "$bin check $tmp/dual $with" \
  "$bin licence $tmp/dual" \
  "$bin check --staged --select readme-file $tmp/mit"
