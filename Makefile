# Kechuang — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm
CHROMIUM ?= /usr/bin/chromium

.PHONY: run run-release test test-rust test-web e2e web web-deps openapi check-openapi lint fmt deps bench clean

## Run the product with demo data at http://127.0.0.1:8080
run: web
	$(CARGO) run -p kechuang -- serve --demo

## The same, optimised (slower to build, faster to serve)
run-release: web
	$(CARGO) run --release -p kechuang -- serve --demo

## Every test: Rust unit and HTTP tests (SQLite; PostgreSQL too when KC_TEST_PG_URL is set),
## web lint, type check, unit tests and build, the OpenAPI drift check, browser tests.
test: test-web check-openapi test-rust e2e

test-rust:
	$(CARGO) test --workspace

web-deps: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@

web: web-deps
	cd web && $(NPM) run build

test-web: web-deps
	cd web && $(NPM) run lint
	cd web && $(NPM) run test
	cd web && $(NPM) run build

## Regenerate the OpenAPI document and the web's API types from the code
openapi:
	$(CARGO) run -q -p kechuang -- openapi > web/openapi.json
	cd web && $(NPM) run gen:api

## Fail when the committed OpenAPI document or web API types differ from the code
check-openapi: web-deps
	$(CARGO) run -q -p kechuang -- openapi > target/openapi.json
	@diff -q target/openapi.json web/openapi.json >/dev/null || { echo "web/openapi.json is out of date: run 'make openapi' and commit"; exit 1; }
	@# Generated under target/, never inside web/: an interrupted check must not leave a
	@# stray file for the web linter to trip over.
	cd web && npx openapi-typescript ../target/openapi.json -o ../target/schema-check.d.ts >/dev/null \
	  && npx prettier --config .prettierrc.json --write ../target/schema-check.d.ts >/dev/null
	@diff -q target/schema-check.d.ts web/src/shared/api/schema.d.ts >/dev/null \
	  || { echo "web/src/shared/api/schema.d.ts is out of date: run 'make openapi' and commit"; exit 1; }

## Browser tests: the real binary with demo data, driven by Chromium
e2e: web
	@test -x $(CHROMIUM) || { echo "Browser tests need Chromium and a CJK font: run 'make deps' (Debian: apt-get install chromium fonts-wqy-microhei)"; exit 1; }
	$(CARGO) build -p kechuang
	bash scripts/e2e.sh

## Install what the browser tests need (Debian, as root)
deps:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all
	cd web && $(NPM) run format

## Benchmarks (release build; see bench/README.md)
bench:
	bash bench/run.sh

clean:
	$(CARGO) clean
	rm -rf web/dist web/node_modules
