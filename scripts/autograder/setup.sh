#!/usr/bin/env bash
# setup.sh: Gradescope runs it once, as root, to build the image.
set -euo pipefail
cd "$(dirname "$0")"        # /autograder/source: the zip's files
apt-get update
apt-get install -y --no-install-recommends python3 make gcc libc6-dev \
    bubblewrap
# scripts/narrate's library, for the checks that make faults happen
mkdir -p sockstep/build
gcc -std=gnu11 -O2 -fPIC -shared -o sockstep/build/libsockstep.so \
    sockstep/lessons/common/preload.c -ldl -pthread
# the sandbox runs as a user of its own, who must read the checker
chmod -R a+rX .
chmod 755 sockstep/scripts/check sockstep/scripts/narrate
sockstep/scripts/narrate -- true   # the library loads
