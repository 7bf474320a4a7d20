"""The `accord` command: Accord's own commands plus every Django management command."""

from __future__ import annotations

import os
import sys

ACCORD_COMMANDS = """\
Accord commands (run `accord COMMAND --help` for each):

  demo [--port N]            migrate the embedded SQLite database, load demo data when empty,
                             run the web server and a worker on http://127.0.0.1:8000
  serve [--bind H:P]         production web server (gunicorn)
  worker                     run background tasks, and the periodic jobs every minute
  tick                       run the periodic jobs that are due (idempotent; for cron/systemd)
  check [--deploy]           check the configuration
  migrate                    create or update the database tables
  createadmin                create a superuser for the Django admin (/admin/)
  party create NAME [--slug S] [--country CC]
  party list
  relationship create --supplier SLUG --customer SLUG [--slug S] [--prefix P] [--time-zone TZ]
  relationship list
  user create EMAIL --party SLUG --role admin|editor|viewer [--name NAME] [--password-stdin]
                             without --password-stdin, prints an invitation link instead
  token create EMAIL [--name NAME]
                             print a new personal API token for EMAIL (shown once)
  import KIND FILE --relationship SLUG [--dry-run] [--ignore-extra] [--as EMAIL]
                             import a CSV or XLSX file (action-items, categories, …); all or nothing;
                             exit 2 with one `row N, column C: reason` line per problem
  metrics --relationship SLUG --from YYYY-MM --to YYYY-MM [--category CODE] [--format json|csv|table]
                             the TL 9000 measurements of a relationship
  tl9000-data --month YYYY-MM [--party SLUG] [-o FILE] [--trace FILE]
                             the month's raw counts per product category and measure component,
                             summed over the home organization's customer relationships (CSV),
                             and a trace from each count to its source records
  report --relationship SLUG --period 2026-Q3|2026-09 --format pdf|xlsx|html -o FILE
         [--definition N] [--edition customer|internal]
                             the published issue's stored file of that period (byte for byte), or
                             one rendered from today's data when none is published (stores nothing)
  load_demo                  load the demo data into an empty database
  backup FILE                the database, the stored files and a manifest of every table's rows
                             and checksum, in one tar.gz (mode 0600), while Accord runs
  restore FILE [--force]     replace the database and stored files with a backup, checked table
                             by table; --force to replace a database in use (stop web and worker)

Any other Django command works too (`accord help --commands` lists them all).
"""


# Accord's command names with a hyphen → the Django command (whose name cannot have one)
ALIASES = {"tl9000-data": "tl9000_data"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "accord"
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    elif len(argv) > 2 and argv[1] == "help" and argv[2] in ALIASES:
        argv[2] = ALIASES[argv[2]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # a development server on loopback, but with DEBUG off: Accord's own error pages (settings.DEMO)
        os.environ["ACCORD_DEMO"] = "true"
        os.environ["DEBUG"] = "false"
    if len(argv) == 1 or argv[1:] in (["--help"], ["-h"], ["help"]):
        sys.stdout.write(ACCORD_COMMANDS)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
