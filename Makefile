# The two commands of the README, and a few helpers. All logic lives in tools/aftersales.sh.
.PHONY: run test lint bench loadtest venv

run:  ## Odoo 11 with the three addons and demo data at http://127.0.0.1:$AFTERSALES_PORT
	@bash tools/aftersales.sh run

test:  ## fresh test database, the whole pytest-odoo suite, then the linters
	@bash tools/aftersales.sh test $(ARGS)

lint:
	@bash tools/aftersales.sh lint

bench:  ## the performance benchmark (tests/bench), not part of make test
	@bash tools/aftersales.sh bench $(ARGS)

venv:
	@bash tools/aftersales.sh venv

loadtest:  ## the load and fault test (tests/load), not part of make test
	@bash tools/aftersales.sh loadtest $(ARGS)
