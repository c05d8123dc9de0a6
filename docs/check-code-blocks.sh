#!/usr/bin/env bash
# check-code-blocks.sh - no C is pasted into the handout's sources.
#
#   docs/check-code-blocks.sh [DOCS_DIR [ROOT]]
#
# Fails (exit 1, one line per problem on stderr) if any Markdown file under
# DOCS_DIR (default: the docs/ this script is in) has a C code block that
# is not an include from lessons/ (```c, ~~~c, ```{.c} ... without
# include=), a code block of no language that looks like C, or an include=
# whose file or part does not exist (any more) under ROOT (default: the
# directory above DOCS_DIR). The Markdown is parsed by pandoc itself, so
# every fence style counts; the rules are in check-code-blocks.lua.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
docs=${1:-$here}
root=${2:-$docs/..}
filter=$here/check-code-blocks.lua

if [[ ! -d "$docs" ]]; then
    echo "check-code-blocks.sh: no directory $docs" >&2
    exit 2
fi

files=()
while IFS= read -r -d '' md; do
    if [[ "$md" == *$'\n'* ]]; then
        echo "check-code-blocks.sh: a file name with a newline in it: $md" >&2
        exit 2
    fi
    files+=("$md")
done < <(find "$docs" -name '*.md' -print0 | sort -z)
count=${#files[@]}
status=0
if ((count > 0)); then
    list=$(printf '%s\n' "${files[@]}")
    CHECK_ROOT=$root CHECK_FILES=$list pandoc --from markdown --to plain \
        --lua-filter "$filter" /dev/null -o /dev/null || status=1
fi

if ((count == 0)); then
    echo "check-code-blocks.sh: no Markdown files under $docs" >&2
    exit 2
fi
if ((status != 0)); then
    echo "check-code-blocks.sh: fix what is named above; C in the docs is" \
        "included from lessons/ (\`\`\`{.c include=\"lessons/...\" lines=\"...\"" \
        "sha1=\"...\" contains=\"...\"}), never pasted" >&2
fi
exit "$status"
