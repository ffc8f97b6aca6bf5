# waptops. Every runbook target wraps `waptops run`; make variables (HOST, DEVICE, ARGS, ...)
# reach waptops through the environment as data, never pasted into shell code.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_MODULES := node_modules/.package-lock.json
WAPTOPS := node dist/bin/waptops.js
LAB_DIR ?= /var/lib/waptops-lab
# The Node majors the unit suite runs on (test/setup/node-runtime.sh pins each), and the one the lab suite runs on.
NODE_VERSIONS := 20 22 24
LAB_NODE := 24
UNIT_ON_NODES := $(addprefix test-unit-node,$(NODE_VERSIONS))
VITEST := node node_modules/vitest/vitest.mjs run
# Keep what the user typed literally: `$(...)` in a value is text, not a make function.
RUNBOOK_VARS := HOST HOSTS ARGS DEVICE PACKAGE CERT KEY FINGERPRINT
$(foreach v,$(RUNBOOK_VARS),$(if $(filter command line environment,$(origin $(v))),$(eval override $(v) := $$(value $(v)))))
export $(RUNBOOK_VARS)


.PHONY: help deps lab-deps shellcheck build lint typecheck schemas schemas-check test test-unit $(UNIT_ON_NODES) test-lab bench \
	lab-up lab-down lab-status demo health restart-nginx check-443 reset-password postconf \
	regenerate-cert upload-package remove-stolen-cert fix-duplicate-uuid deploy-signing-cert rotate-signing-key lint-repo doctor \
	migrate-repo migrate-repo-finalize

help:
	@echo 'make demo                      bring the lab up and run the main job on deb1'
	@echo 'make test                      lint, typecheck, unit tests over a real sshd on Node 20, 22, 24, lab tests on 24'
	@echo 'make test-unit-node22          the unit suite on one Node (20, 22, 24; fetched from the npm registry if needed)'
	@echo 'make health HOST=deb1          read-only health check of a WAPT server'
	@echo 'make doctor HOST=deb1          every read-only check, with the guide section and the fix'
	@echo 'make migrate-repo HOST=deb1 DEVICE=/dev/sdb1 [ARGS=--check]   move the repository to a partition'
	@echo 'make migrate-repo-finalize HOST=deb1   remove the original kept by migrate-repo'
	@echo 'Runbooks: restart-nginx check-443 reset-password postconf regenerate-cert upload-package'
	@echo '          remove-stolen-cert fix-duplicate-uuid deploy-signing-cert rotate-signing-key lint-repo (see README)'
	@echo 'make lab-up | lab-down | lab-status'
	@echo 'make bench                     speed figures'
	@echo 'Any runbook target takes ARGS, e.g. ARGS="--check --json out.json".'

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Debian packages the tests need: a real sshd, sudo for become, acl/attr, tmux for the terminal tests,
# chromium for the HTML report's test, passlib for the password-hash agreement tests, zsh for the
# completion tests, ansible-core and iproute2 for the fan-out benchmark's test (no test may skip for want of one),
# a C++ toolchain for ssh2's native crypto binding and cpu-features (built for each Node the tests run on).
deps: $(NODE_MODULES)
	@bash test/setup/debian-packages.sh openssh-server openssh-client sudo acl attr tmux python3 python3-passlib e2fsprogs xfsprogs util-linux time libxml2-utils iproute2 ansible-core zsh chromium g++ make

shellcheck:
	@bash test/setup/debian-packages.sh shellcheck

# Controller tools the lab needs: image build, nspawn, netns/veth/bridge, mkfs, losetup.
lab-deps:
	@bash test/setup/debian-packages.sh mmdebstrap systemd-container iproute2 e2fsprogs util-linux openssh-client

# The host scripts (scripts/actions/*.sh, scripts/engine/host-state/*.sh) are read beside the compiled code at run time.
build: $(NODE_MODULES)
	@npm run --silent build

# biome for TypeScript and JSON, shellcheck for every shell script of the project and of the lab (and the
# bash completion; the zsh one is checked with zsh -n by its test).
# The lab's stand-ins named as WAPT names them (no .sh) are checked by their own #! line.
lint: $(NODE_MODULES) shellcheck
	npx biome check .
	shellcheck test/setup/*.sh
	shellcheck -s sh scripts/actions/*.sh scripts/engine/host-state/*.sh scripts/lab/*.sh scripts/bench/fanout/*.sh playbooks/scripts/*.sh $$(find scripts/lab/rootfs -name '*.sh')
	shellcheck scripts/lab/rootfs/base/usr/bin/* scripts/lab/rootfs/base/opt/wapt/bin/python scripts/lab/rootfs/base/opt/wapt/lab/selinux/*
	shellcheck -s bash scripts/cli/completion/waptops.bash

typecheck: $(NODE_MODULES)
	npx tsc -p tsconfig.json --noEmit

# Rewrites the editor schemas in schemas/*.schema.json from the code.
schemas: build
	$(WAPTOPS) schemas

# CI: the committed editor schemas must match the code.
schemas-check: build
	$(WAPTOPS) schemas --check

test-unit: deps build
	npx vitest run --project unit

# The unit suite on one Node major, e.g. `make test-unit-node22`: that node runs vitest and every CLI it spawns.
$(UNIT_ON_NODES): test-unit-node%: deps build
	@bash test/setup/with-node.sh $* $(VITEST) --project unit

# Lab tests need root; under CI=true they must run (a lab that cannot start fails the run). They run on LAB_NODE.
test-lab: lab-deps build
	@if [ "$$(id -u)" -ne 0 ] && [ "$${CI:-}" != true ]; then \
	  echo 'lab tests skipped: they need root (systemd-nspawn, network namespaces, loop devices)'; \
	else bash test/setup/with-node.sh $(LAB_NODE) $(VITEST) --project lab; fi

test: deps lab-deps lint typecheck schemas-check $(UNIT_ON_NODES)
	@$(MAKE) --no-print-directory test-lab

bench: deps build
	node dist/scripts/bench/main.js

lab-up: lab-deps build
	node dist/scripts/lab/up.js

lab-down: build
	node dist/scripts/lab/down.js

lab-status: build
	node dist/scripts/lab/status.js

# The main job on the local lab: deb1's repository moved onto its spare device; a second run reports it done.
demo: lab-up
	@spare=$$(node dist/scripts/lab/status.js --spare deb1) && \
	$(WAPTOPS) run migrate-repo --limit deb1 -e "device=$$spare" --yes $${ARGS}
	@echo
	@echo 'Look around:  ssh -i $(LAB_DIR)/id_ed25519 -o UserKnownHostsFile=$(LAB_DIR)/known_hosts root@198.18.0.11 df -h'
	@echo 'Lab hosts:    make lab-status     Tear down: make lab-down'

# Runbooks. `read -a` splits ARGS into words without running anything in it.
# No core dump of the controller (it may hold a key or a password): Node cannot set RLIMIT_CORE itself.
define runbook
	@read -r -a extra <<< "$${ARGS:-}"; ulimit -c 0; \
	exec $(WAPTOPS) run $(1) $${HOST:+--limit "$$HOST"} $(2) "$${extra[@]}"
endef

health: build
	$(call runbook,health)

restart-nginx: build
	$(call runbook,restart-nginx)

check-443: build
	$(call runbook,check-443)

reset-password: build
	$(call runbook,reset-admin-password)

# ARGS=--interactive: the terminal is attached over SSH to postconf.sh's dialog UI instead of the quiet runbook.
postconf: build
	@read -r -a extra <<< "$${ARGS:-}"; \
	if [[ " $${extra[*]} " == *" --interactive "* ]]; then \
	  exec $(WAPTOPS) attach "$${HOST:?give HOST=name}" --become -- /opt/wapt/waptserver/scripts/postconf.sh; \
	fi; \
	exec $(WAPTOPS) run rerun-postconf $${HOST:+--limit "$$HOST"} "$${extra[@]}"

regenerate-cert: build
	$(call runbook,regenerate-cert)

upload-package: build
	$(call runbook,upload-package,$${PACKAGE:+-e "package=$$PACKAGE"})

# Meant for many agents at once: HOSTS (a pattern) or HOST.
remove-stolen-cert: build
	$(call runbook,remove-stolen-cert,$${HOSTS:+--limit "$$HOSTS"} $${CERT:+-e "cert=$$CERT"} $${KEY:+-e "key=$$KEY"} $${FINGERPRINT:+-e "fingerprint=$$FINGERPRINT"})

fix-duplicate-uuid: build
	$(call runbook,fix-duplicate-uuid,$${HOSTS:+--limit "$$HOSTS"})

# Meant for many agents at once: HOSTS (a pattern) or HOST.
deploy-signing-cert: build
	$(call runbook,deploy-signing-cert,$${HOSTS:+--limit "$$HOSTS"} $${CERT:+-e "cert=$$CERT"})

rotate-signing-key: build
	$(call runbook,rotate-signing-key,$${CERT:+-e "cert=$$CERT"} $${KEY:+-e "key=$$KEY"} $${AGENTS_READY:+-e "agents_ready=$$AGENTS_READY"})

lint-repo: build
	$(call runbook,lint-repo)

# One host at a time: HOST is required (a device name means nothing across hosts).
migrate-repo: build
	@: "$${HOST:?give HOST=name and DEVICE=/dev/...}"
	$(call runbook,migrate-repo,$${DEVICE:+-e "device=$$DEVICE"})

migrate-repo-finalize: build
	@: "$${HOST:?give HOST=name}"
	$(call runbook,migrate-repo-finalize)

doctor: build
	@exec $(WAPTOPS) doctor "$${HOST:?give HOST=name}" $${ARGS}
