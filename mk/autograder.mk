# make autograder: build/autograder.zip, Gradescope's autograder for one
# assignment (docs/manual-grading.md, "Gradescope and CI"). What it checks:
#   SPEC       the assignment's spec (default: the shipped hello.spec)
#   BUILD_CMD  how a submission is built, in its copy (make server)
#   RUN_CMD    how it is started ('./server {port}')
#   make autograder SPEC=calc.spec RUN_CMD='./calc --port {port}'
# scripts/autograder/make-zip builds it: setup.sh and run_autograder at
# its top, the spec, and under sockstep/ the checker, scripts/narrate and
# the source of its preload library (setup.sh builds that on the
# platform). tests/autograder.bats runs it as Gradescope lays it out.
SPEC      ?= scripts/sockcheck/specs/hello.spec
BUILD_CMD ?= make server
RUN_CMD   ?= ./server {port}

# (passed in the environment: a command may hold any quote)
.PHONY: autograder
autograder: export AUTOGRADER_SPEC := $(SPEC)
autograder: export AUTOGRADER_BUILD := $(BUILD_CMD)
autograder: export AUTOGRADER_RUN := $(RUN_CMD)
autograder: | $(BUILD)
	scripts/autograder/make-zip --spec "$$AUTOGRADER_SPEC" \
	    --build "$$AUTOGRADER_BUILD" --run "$$AUTOGRADER_RUN" \
	    $(BUILD)/autograder.zip
