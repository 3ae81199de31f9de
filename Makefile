# dxhub — the two commands of the quick start are `make run` and `make test`.
MANAGE := .venv/bin/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint migrate demo worker bench clean

install:
	@scripts/bootstrap.sh

run: install
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v0
	@$(MANAGE) seed_demo
	@echo "dxhub: http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	@$(MANAGE) runserver $(HOST):$(PORT)

test: install
	@scripts/ensure-chromium.sh
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	$(MANAGE) makemigrations --check --dry-run -v0
	.venv/bin/pytest

migrate: install
	@$(MANAGE) migrate --noinput

worker: install
	$(MANAGE) db_worker

bench: install
	.venv/bin/python bench/run.py

clean:
	rm -rf .venv var .pytest_cache .ruff_cache
