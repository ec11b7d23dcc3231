"""The local dev stack: the real platform as plain processes under .run/ (no Docker
engine needed).

    python -m traintrack.devstack infra-up     Kafka (KRaft), PostgreSQL, Zipkin; idempotent
    python -m traintrack.devstack up           infra + the five services in the background
    python -m traintrack.devstack run          up, demo data, then wait; Ctrl-C stops it all
    python -m traintrack.devstack down         stop everything the dev stack started
    python -m traintrack.devstack status       what runs
    python -m traintrack.devstack browser      Chromium for the dashboard test (installed
                                               if missing)
    python -m traintrack.devstack crash kafka  kill -9 kafka|postgres|zipkin|<service>-api
                                               (chaos runs; infra-up starts infra again)

`down` and `status` need only the standard library (`make down` runs them with the
system Python, PYTHONPATH=infra/src, when the virtualenv is gone); the others run in the
virtualenv, where the tools package does the chores.
Set TRAINTRACK_KAFKA_BOOTSTRAP and/or TRAINTRACK_PG_URL to use an existing Kafka or
PostgreSQL instead of the local one (nothing local is started for it then).
"""

from __future__ import annotations

import json
import signal
import sys
import time

from traintrack.devstack import infra, install, services
from traintrack.devstack.processes import SetupError, log


def up(*, foreground: bool) -> None:
    endpoints = infra.infra_up()
    services.ensure_topics(endpoints)
    services.start_services(endpoints)
    services.load_demo()
    print(services.urls(endpoints), flush=True)
    if foreground:
        wait_for_ctrl_c()


def wait_for_ctrl_c() -> None:
    # Ctrl-C and a polite kill both stop everything (even where the shell started us with
    # SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    log("running; press Ctrl-C to stop everything")
    try:
        reported: set[str] = set()
        while True:
            time.sleep(5)
            for name in sorted(set(infra.PIDS.dead()) - reported):
                log(f"error: {name} stopped; see {infra.PIDS.log_of(name)}")
                reported.add(name)
    except KeyboardInterrupt:
        pass
    finally:
        down()


def down() -> None:
    for name in [*services.PROCESSES, *infra.PARTS]:
        infra.PIDS.stop(name)


def status() -> None:
    if not infra.PIDS.names():
        log(f"nothing started from {infra.RUN}")
    for name in infra.PIDS.names():
        pid = infra.PIDS.alive(name)
        log(f"{name}: {f'running, pid {pid}' if pid else 'stopped'}")


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("status", [])
    try:
        if command == "infra-up":
            endpoints = infra.infra_up()
            services.ensure_topics(endpoints)
            print(json.dumps(endpoints.as_dict()))
        elif command == "browser":
            print(install.chromium())
        elif command in ("up", "run"):
            up(foreground=command == "run")
        elif command == "crash" and args:
            infra.PIDS.crash(args[0])
        elif command == "down":
            down()
        elif command == "status":
            status()
        else:
            log(__doc__ or "")
            return 2
    except SetupError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
