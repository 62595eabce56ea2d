# hwverify — every target installs what it needs (a .venv with pinned dependencies, iverilog via apt).
PY      ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
JOBS    ?= 2

.PHONY: setup demo test test-all bench clean sysdeps

setup: $(STAMP) sysdeps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# System tools: Icarus Verilog is needed by the simulator-backed layers, Chromium by the HTML report test.
sysdeps:
	@if ! command -v iverilog >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing iverilog with apt-get"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iverilog >/dev/null) \
	      || echo "warning: could not install iverilog; simulator tests will be skipped"; \
	  else echo "warning: iverilog missing and not root; simulator tests will be skipped"; fi; \
	fi
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing chromium with apt-get (renders the HTML report in tests/test_html.py)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; HTML rendering tests will be skipped"; \
	  else echo "warning: chromium missing and not root; HTML rendering tests will be skipped"; fi; \
	fi

demo: setup
	$(VPY) -m hwverify.demo

test: setup
	$(VPY) -m pytest -q -n $(JOBS) -p no:cacheprovider

test-all: setup
	$(VPY) -m pytest -q -n $(JOBS) -p no:cacheprovider -m ''

# bench/pdr.py (HWMCC'20 subset, 4 engines at 60 s per instance) takes about 1 h 40 min on 2 cores;
# bench/pdr_peers.py (SymbiYosys smtbmc and abc pdr side by side) about 13 min and needs yosys-abc (Debian yosys).
bench: setup
	$(VPY) bench/evaluator_speed.py
	$(VPY) bench/solver_speed.py
	$(VPY) bench/verilog_lowering.py
	$(VPY) bench/equiv.py
	$(VPY) bench/sby_compare.py
	$(VPY) bench/crypto.py
	@if ! command -v yosys-abc >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
	  echo "installing yosys (yosys-abc, SymbiYosys' abc pdr peer) with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yosys >/dev/null) \
	    || echo "warning: could not install yosys; bench/pdr_peers.py reports abc pdr as MISSING"; \
	fi
	$(VPY) bench/pdr_peers.py
	$(VPY) bench/pdr.py
	@cat bench/results/pdr_peers.md bench/results/pdr.md

clean:
	rm -rf $(VENV) .hwverify build *.egg-info
