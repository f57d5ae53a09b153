# The two commands of the README, and a few helpers. All logic lives in tools/aftersales.sh.
.PHONY: run test lint bench bench-jobs bench-import bench-screens import loadtest venv test-odoo test-core test-wheels

run:  ## Odoo 11 with the three addons and demo data at http://127.0.0.1:$AFTERSALES_PORT
	@bash tools/aftersales.sh run

test:  ## fresh test database, the whole pytest-odoo suite, then the linters
	@bash tools/aftersales.sh test $(ARGS)

lint:  ## flake8, pylint-odoo and OCA's module and translation checks
	@bash tools/aftersales.sh lint

test-odoo:  ## the addons' tests under Odoo's own runner (--test-enable), not part of make test
	@bash tools/aftersales.sh test-odoo

test-core:  ## Odoo's own tests of the modules the addons extend, without and with the addons
	@bash tools/aftersales.sh test-core

test-wheels:  ## the wheels installed into a clean Odoo 11 environment and a scratch database
	@bash tools/aftersales.sh test-wheels $(ARGS)

bench:  ## the performance benchmark (tests/bench), not part of make test
	@bash tools/aftersales.sh bench $(ARGS)

bench-screens:  ## the screens at a dealer group's scale (part of make bench)
	@bash tools/aftersales.sh bench-screens $(ARGS)

bench-jobs:  ## campaign letters as queue_job jobs, 1 against 2 job workers (part of make bench)
	@bash tools/aftersales.sh bench-jobs $(ARGS)

bench-import:  ## the initial load: the command against the standard import (part of make bench)
	@bash tools/aftersales.sh bench-import $(ARGS)

import:  ## load a dealership's CSV files (FILE=directory or file) into $AFTERSALES_DB, set-based
	@bash tools/aftersales.sh import "$(FILE)" "$(REJECTS)"

venv:
	@bash tools/aftersales.sh venv

loadtest:  ## the load and fault test (tests/load), not part of make test
	@bash tools/aftersales.sh loadtest $(ARGS)
