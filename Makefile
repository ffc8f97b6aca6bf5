# waptops: every target is a thin wrapper; make variables reach waptops as data (argv), never as shell code.
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json

.PHONY: deps test test-unit lint typecheck build bench

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# System packages the tests need (a real sshd, sudo for become, acl/attr tools).
deps: $(NODE_MODULES)
	@bash test/setup/debian-packages.sh openssh-server openssh-client sudo acl attr

build: $(NODE_MODULES)
	npx tsc -p tsconfig.build.json

lint: $(NODE_MODULES)
	npx biome check .

typecheck: $(NODE_MODULES)
	npx tsc -p tsconfig.json --noEmit

test-unit: deps build
	npx vitest run --project unit

test: deps lint typecheck build
	npx vitest run --project unit
