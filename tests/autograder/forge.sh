#!/bin/sh
# A forging submission's program (tests/autograder.bats), built by
# forge.mk as ./server. The file "target" beside it names the platform's
# results.json: it writes a score of 100 there, leaves a process that
# writes it again every 0.1 s for 3 s, kills the checker that started it
# (its parent) and the script that started that checker, and serves no
# one. Run without the sandbox, it keeps its 100.
results=$(sed -n 1p target)
forged='{"score": 100, "output": "FORGED", "tests": []}'
printf '%s\n' "$forged" >"$results" 2>/dev/null
# shellcheck disable=SC2016 # expanded by the sh it starts
setsid sh -c 'echo $$ >"$2.writer" 2>/dev/null
    i=0
    while [ $i -lt 30 ]; do
        printf "%s\n" "$1" >"$2" 2>/dev/null
        sleep 0.1
        i=$((i + 1))
    done' sh "$forged" "$results" </dev/null >/dev/null 2>&1 &
grandparent=$(awk '{ print $4 }' "/proc/$PPID/stat" 2>/dev/null)
kill -KILL "$PPID" 2>/dev/null
if [ "${grandparent:-0}" -gt 1 ]; then
    kill -KILL "$grandparent" 2>/dev/null
fi
exit 1
