#!/usr/bin/env bash
# Fetches the Python grammar that the CTreeSitterPython target compiles and the
# tree-sitter runtime that the CTreeSitter target compiles.
#
# Third-party sources never enter git: this script downloads two sdists from PyPI,
# checks their pinned sha256 sums, and extracts only the files the C targets need
# into grammars/python/ and grammars/tree-sitter/ (both git-ignored). It is
# idempotent: when both stamps match the pins, it does nothing and prints nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/python"
runtime="$here/tree-sitter"
# Downloads are kept in a user cache so several clones (and CI runs) share them.
downloads="${HEAPLINT_DOWNLOAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/heaplint/downloads}"
python="${PYTHON:-python3}"

# Pins. tree-sitter-python 0.23.6 is the newest grammar with ABI 14 that still ships
# scanner.c. The tree-sitter 0.23.2 sdist (py-tree-sitter) carries the C runtime of the
# same version (tree_sitter/core/lib): its parser.h family of headers is what parser.c
# includes, and its src/lib.c amalgamation is the runtime heaplint links (ABI 13-14).
# Why not Debian's libtree-sitter 0.20.7: it corrupts its own heap and aborts on a
# parse with a long run of error tokens (`[` + 70,000 x `if `, 70,000 x `* `; issue 26,
# docs/performance.md), while 0.23.2 parses those inputs.
grammar_sdist="tree_sitter_python-0.23.6.tar.gz"
grammar_sha="354bfa0a2f9217431764a631516f85173e9711af2c13dbd796a8815acfe505d9"
headers_sdist="tree-sitter-0.23.2.tar.gz"
headers_sha="66bae8dd47f1fed7bdef816115146d3a41c39b5c482d7bad36d9ba1def088450"
stamp_value="$grammar_sha $headers_sha v3"

if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp_value" ] \
   && [ -f "$runtime/.stamp" ] && [ "$(cat "$runtime/.stamp")" = "$stamp_value" ]; then
  exit 0
fi

mkdir -p "$downloads"
verify() { # file sha -> 0 when the file exists and matches
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}
if ! verify "$downloads/$grammar_sdist" "$grammar_sha" || ! verify "$downloads/$headers_sdist" "$headers_sha"; then
  echo "grammars: downloading tree-sitter-python 0.23.6 and tree-sitter 0.23.2 sdists from PyPI" >&2
  if ! "$python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
        tree-sitter-python==0.23.6 tree-sitter==0.23.2 -d "$downloads" >"$downloads/pip.log" 2>&1; then
    echo "grammars: error: could not download the grammar sdists from PyPI." >&2
    echo "grammars: pip said:" >&2
    tail -n 5 "$downloads/pip.log" >&2
    echo "grammars: check that PyPI is reachable (pip download works) and run 'make grammar' again." >&2
    exit 1
  fi
fi
for pair in "$grammar_sdist:$grammar_sha" "$headers_sdist:$headers_sha"; do
  file="${pair%%:*}"; sha="${pair##*:}"
  if ! verify "$downloads/$file" "$sha"; then
    echo "grammars: error: $file does not match its pinned sha256 ($sha)." >&2
    echo "grammars: the download may be corrupt or tampered with; delete $downloads and retry." >&2
    exit 1
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$downloads/$grammar_sdist" -C "$tmp" tree_sitter_python-0.23.6/src/parser.c tree_sitter_python-0.23.6/src/scanner.c
tar -xzf "$downloads/$headers_sdist" -C "$tmp" \
  tree-sitter-0.23.2/LICENSE \
  tree-sitter-0.23.2/tree_sitter/core/lib/src \
  tree-sitter-0.23.2/tree_sitter/core/lib/include/tree_sitter/api.h
lib="$tmp/tree-sitter-0.23.2/tree_sitter/core/lib"

rm -rf "$out.new"
mkdir -p "$out.new/tree_sitter" "$out.new/include"
cp "$tmp/tree_sitter_python-0.23.6/src/parser.c" "$tmp/tree_sitter_python-0.23.6/src/scanner.c" "$out.new/"
for h in parser.h array.h alloc.h ts_assert.h; do
  cp "$lib/src/$h" "$out.new/tree_sitter/$h"
done
# Our own public header: the one symbol Swift needs from the grammar.
cat > "$out.new/include/tree_sitter_python.h" <<'H'
#ifndef HEAPLINT_TREE_SITTER_PYTHON_H
#define HEAPLINT_TREE_SITTER_PYTHON_H
typedef struct TSLanguage TSLanguage;
const TSLanguage *tree_sitter_python(void);
#endif
H
echo "$stamp_value" > "$out.new/.stamp"

# The runtime: src/ whole (lib.c includes every other .c and header there, by relative path)
# and the one public header, include/tree_sitter/api.h, which becomes the CTreeSitter module.
rm -rf "$runtime.new"
mkdir -p "$runtime.new/include/tree_sitter"
cp -r "$lib/src" "$runtime.new/src"
cp "$lib/include/tree_sitter/api.h" "$runtime.new/include/tree_sitter/api.h"
cp "$tmp/tree-sitter-0.23.2/LICENSE" "$runtime.new/LICENSE"
echo "$stamp_value" > "$runtime.new/.stamp"

rm -rf "$out" "$runtime"
mv "$out.new" "$out"
mv "$runtime.new" "$runtime"
echo "grammars: Python grammar and tree-sitter 0.23.2 runtime ready in grammars/python, grammars/tree-sitter" >&2
