# Channels Lab. Start with `make lab` (learners) or `make test` (maintainers, CI).
# Every target that needs Python builds .venv from requirements.lock first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JUPYTER_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help lab test test-pythons wheels notebooks demo lock status hint check watch grade grade-class release gradescope bench bench-grading clean python-version

help:
	@echo "make lab        set up and open JupyterLab on the first notebook"
	@echo "make test       set up and run the whole suite (tests, exercises both ways, notebooks under nbval)"
	@echo "make status     your progress through the exercises"
	@echo "make check EX=ex01 / make hint EX=ex01 / make watch   check an exercise, reveal its next hint, re-check on save"
	@echo "make grade SUBMISSION=dir / make grade-class CLASS=dir   grade one folder or a class"
	@echo "make release [OUT=dir] / make gradescope [OUT=file.zip ONLY=ex01,ex02]   the student release, the Gradescope autograder"
	@echo "make demo       serve the demo project on http://127.0.0.1:8000"
	@echo "make notebooks  re-execute every notebook from its paired .py and save the outputs"
	@echo "make test-pythons  the notebooks and both sides of every exercise on the other Pythons here (3.12, 3.13, 3.14)"
	@echo "make wheels    the lock has a wheel for every pin on Linux x86-64 and macOS arm64, Python 3.11-3.14"

python-version:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "Channels Lab needs Python 3.11 or newer, but $(PYTHON) is Python %d.%d.%d. Install Python 3.11+ and run: make PYTHON=python3.11 lab" % v[:3])'

$(STAMP): requirements.lock | python-version
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m channels_lab.install_path
	@touch $(STAMP)

# Learners: JupyterLab on 127.0.0.1, opened on the first notebook; it prints its URL with the token.
lab: $(STAMP)
	@echo "Starting JupyterLab. Open the http://127.0.0.1:...?token=... URL it prints; the first notebook is"
	@echo "notebooks/00_start_here.ipynb (also at /lab/tree/notebooks/00_start_here.ipynb). Ctrl-C twice stops it."
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter_config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" $(PY) -m jupyter lab notebooks/00_start_here.ipynb --ip=127.0.0.1 --ServerApp.root_dir=. $(JUPYTER_ROOT_FLAG)

# The suite runs on TEST_JOBS pytest-xdist workers, each test file (and each notebook) whole on one
# worker (--dist loadfile: module fixtures and nbval's kernel per notebook stay as in a serial run);
# most tests wait on servers and sockets, so 4 workers suit 2 cores. TEST_JOBS=1 runs it serially.
TEST_JOBS ?= 4
test: $(STAMP)
	$(PY) -m pytest $(if $(filter-out 0 1,$(TEST_JOBS)),-n $(TEST_JOBS) --dist loadfile)

# Maintainers and CI: the other promised Pythons this machine has (python3.X on PATH or pyenv's),
# each in its own .venv-3.X from the lock, replay every notebook under strict nbval and check both
# sides of every exercise; the ones it lacks are skipped, saying so. EXTRA_PYTHONS="3.13" to choose,
# PYTHON_JOBS=1 to test them one after the other instead of side by side.
EXTRA_PYTHONS ?= 3.12 3.13 3.14
PYTHON_JOBS ?= 2
test-pythons:
	$(PYTHON) .ci/test-pythons --jobs $(PYTHON_JOBS) $(EXTRA_PYTHONS)

# Maintainers and CI: every pin of the lock has a wheel on PyPI for Linux x86-64 and macOS arm64,
# Python 3.11 to 3.14 (pip's own dry run per target; needs network, a few minutes).
wheels: $(STAMP)
	$(PY) -m channels_lab.wheels

notebooks: $(STAMP)
	$(PY) -m channels_lab.notebooks execute $(NB)

demo: $(STAMP)
	cd demo_project && ../$(PY) manage.py migrate --verbosity 0 && ../$(PY) -m daphne -b 127.0.0.1 -p 8000 demo_project.asgi:application

# Learners: progress, hints, checks. TIMEOUT=seconds changes the per-exercise limit (default 30).
export TIMEOUT
status: $(STAMP)
	@$(PY) -m channels_lab.cli status

hint: $(STAMP)
	@$(PY) -m channels_lab.cli hint $(EX)

check: $(STAMP)
	@$(PY) -m channels_lab.cli check $(EX)

watch: $(STAMP)
	@$(PY) -m channels_lab.cli watch

# Instructors: one submission folder (same layout as exercises/), or a class of them.
grade: $(STAMP)
	@$(PY) -m channels_lab.cli grade $(SUBMISSION) $(if $(ONLY),--only $(ONLY))

grade-class: $(STAMP)
	@$(PY) -m channels_lab.cli grade-class $(CLASS) --out $(or $(OUT),grades) $(if $(ONLY),--only $(ONLY))

# Instructors: the student release (no solutions/, no catalogue; from HEAD, REF=worktree for the files on disk)
# with its GitHub Classroom workflow pinned to COURSE_REPO at COURSE_COMMIT, and the Gradescope autograder zip.
release: $(STAMP)
	$(PY) -m channels_lab.release $(or $(OUT),../channels-lab-release) --ref $(or $(REF),HEAD) $(if $(COURSE_REPO),--course-repo $(COURSE_REPO)) $(if $(COURSE_COMMIT),--course-commit $(COURSE_COMMIT))

gradescope: $(STAMP)
	$(PY) -m channels_lab.gradescope build --out $(or $(OUT),../channels-lab-gradescope.zip) --ref $(or $(REF),HEAD) $(if $(ONLY),--only $(ONLY)) $(if $(VISIBILITY),--visibility $(VISIBILITY))

# Instructors and maintainers: how long grading a class of 30 takes on this machine.
bench-grading: $(STAMP)
	$(PY) -m benchmarks.grading

# Maintainers: what each server and layer costs, then the load test (a few minutes, 127.0.0.1 only).
# ARGS="--runs 3" keeps the median of three runs; ARGS=--quick is the notebook's small run.
bench: $(STAMP)
	$(PY) -m benchmarks.bench $(ARGS)

# Maintainers: re-resolve requirements.in into requirements.lock in a throw-away venv.
lock: | python-version
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in with Python $$(.lock-venv/bin/python -c 'import platform; print(platform.python_version())'). Do not edit."; \
	  .lock-venv/bin/pip freeze --all --exclude-editable | grep -v -E '^(pip|setuptools|wheel)=='; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .venv-3.* .pytest_cache
