from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.rubric.reference_import import KINDS, import_reference


class Command(BaseCommand):
    help = "Import an official reference list from CSV. Nothing is imported if any row is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="which list the file holds")
        parser.add_argument("file", type=Path, help="a UTF-8 CSV file with a header row")
        parser.add_argument(
            "--replace", action="store_true", help="also delete rows of this kind that the file does not list"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
        report = import_reference(kind_name=options["kind"], text=text, replace=options["replace"])
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{len(report.errors)} problem(s) found; nothing was imported.")
        summary = f"{report.created} created, {report.updated} updated, {report.deleted} deleted"
        self.stdout.write(self.style.SUCCESS(f"{report.kind}: {summary}."))
