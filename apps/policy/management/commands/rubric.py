"""``manage.py rubric check FILE``, ``manage.py rubric score FILE PROFILE.json`` (issue 9, "Two
commands") and ``manage.py rubric simulate FILE --from DATE --to DATE [--base CODE]`` (issue 10): for
people who write rules. It lives in ``apps.policy``, the top of the layers, because ``simulate``
replays real cases (``apps.policy.simulation``), which ``apps.rubric`` must know nothing of.

``check`` reads a version file in the rubric language against the shipped catalogue and lists every
problem as ``path: problem``; it needs no database. ``score`` scores one profile under a version file
that need not be published, against the reference data in the database as of a date, and prints the
result as JSON on stdout. ``simulate`` replays every case submitted in the period under the version
in force today (or ``--base``) and the file, and prints ``SimulationResult.as_dict()`` as JSON: the
2x2 per track (``pass_to_pass``, ``pass_to_fail``, ``fail_to_pass``, ``fail_to_fail``), criteria
averages, segments, fields, near-threshold counts and the changed cases. Problems go to stderr, one per line, and end the command with exit status 1
(a ``CommandError``, which ``call_command`` raises as it is, with ``returncode`` 1).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from apps.policy.simulation import SimulationError, simulate
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.reading import ConfigError, ConfigErrors
from apps.rubric.language.scorer import Scorer, ScoreResult
from apps.rubric.selectors import (
    NoVersionInForce,
    UnknownRubricVersion,
    reference_on,
    rubric_version_by_code,
    rubric_version_in_force,
)

LANGUAGES = ("en", "ko")
STDIN = "-"


def _read_json(source: str, label: str, stdin: Any) -> Any:
    """A JSON document from a file (or stdin for ``-``); a clear ``CommandError`` when it is not one."""
    if source == STDIN:
        text = stdin.read()
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{label}: is a directory, not a file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{label}: not UTF-8 text") from None
        except OSError as exc:
            raise CommandError(f"{label}: cannot be read ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{label}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None


def _day(value: str, option: str = "--on") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value}: not a date (expected YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Check a rubric version file, score one profile under it, or simulate it over real cases."
    # ``check`` needs no database and no project checks; ``score`` reads only the reference tables.
    requires_system_checks: list[str] = []
    # ``call_command("rubric", "score", FILE, "-", stdin=io.StringIO(...))`` feeds the profile.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="{check,score,simulate}", required=True)
        check = commands.add_parser(
            "check",
            help="validate a version file: exit 0, or every problem with its path and exit 1",
            description="Validate a rubric version file against the catalogue.",
        )
        check.add_argument("file", help="a version file in the rubric language (JSON)")
        score = commands.add_parser(
            "score",
            help="score one profile under a version file (need not be published) and print JSON",
            description="Score one profile (keys are the catalogue's fact codes) under a version file.",
        )
        score.add_argument("file", help="a version file in the rubric language (JSON)")
        score.add_argument("profile", help="a JSON object of fact code -> value, or - to read it from stdin")
        score.add_argument(
            "--on",
            dest="on",
            default=None,
            metavar="YYYY-MM-DD",
            help="reference data (per-capita GNI) as of this date; default today",
        )
        score.add_argument(
            "--language", choices=LANGUAGES, default="en", help="language of the texts (default en)"
        )
        score.add_argument(
            "--verified",
            default="",
            metavar="FACT,FACT",
            help="facts to treat as verified (comma-separated fact codes)",
        )

        simulate = commands.add_parser(
            "simulate",
            help="replay every case submitted in a period under a version file and the base; print JSON",
            description="Impact simulation of a version file over the cases submitted in a period.",
        )
        simulate.add_argument("file", help="a version file in the rubric language (JSON)")
        simulate.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
        simulate.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
        simulate.add_argument(
            "--base",
            default=None,
            metavar="CODE",
            help="a published version's code; default the one in force today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdin = options.get("stdin") or sys.stdin
        if options["action"] == "check":
            self.check_file(options["file"])
        elif options["action"] == "simulate":
            self.simulate_file(
                options["file"],
                date_from=options["date_from"],
                date_to=options["date_to"],
                base=options["base"],
            )
        else:
            self.score_file(
                options["file"],
                options["profile"],
                on=options["on"],
                language=options["language"],
                verified=options["verified"],
            )

    # ---- check

    def _version(self, file: str) -> Version:
        """The version read from ``file``; every problem written to stderr, then ``CommandError``."""
        data = _read_json(file, file, self.stdin)
        try:
            return read_version(data, default_catalogue())
        except ConfigErrors as exc:
            self._report(exc.errors)
            count = len(exc.errors)
            raise CommandError(f"{file}: {count} problem{'s' if count != 1 else ''} found") from None

    def _report(self, errors: tuple[ConfigError, ...]) -> None:
        for error in errors:
            self.stderr.write(f"{error.path}: {error.problem}" if error.path else error.problem)

    def check_file(self, file: str) -> None:
        version = self._version(file)
        criteria, tracks = len(version.criteria), len(version.tracks)
        self.stdout.write(
            f"{file}: OK (version {version.code}, {criteria} criteri{'a' if criteria != 1 else 'on'}, "
            f"{tracks} track{'s' if tracks != 1 else ''})"
        )

    # ---- score

    def score_file(
        self, file: str, profile_source: str, *, on: str | None, language: str, verified: str
    ) -> None:
        if file == STDIN and profile_source == STDIN:
            raise CommandError("only one of the version file and the profile can be read from stdin")
        day = _day(on) if on else timezone.localdate()
        version = self._version(file)
        label = "stdin" if profile_source == STDIN else profile_source
        data = _read_json(profile_source, label, self.stdin)
        if not isinstance(data, Mapping):
            raise CommandError(f"{label}: must be a JSON object of fact code -> value")
        verified_facts = frozenset(name.strip() for name in verified.split(",") if name.strip())
        unknown = sorted(verified_facts - set(version.catalogue.facts))
        if unknown:
            raise CommandError(
                f"--verified: unknown fact{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
            )

        reference = reference_on(day)
        try:
            scorer = Scorer(version, reference)
        except ValueError as exc:
            # The reference data lacks a figure the version's thresholds are multiples of.
            raise CommandError(
                f"{file}: version {version.code} cannot be scored on {day.isoformat()}: {exc} "
                "(import one with `manage.py import_reference gni FILE.csv`)"
            ) from None
        try:
            profile = scorer.profile(data, verified=verified_facts)
        except ConfigErrors as exc:
            self._report(exc.errors)
            count = len(exc.errors)
            raise CommandError(
                f"{label}: {count} problem{'s' if count != 1 else ''} in the profile"
            ) from None
        with translation.override(language):
            result = scorer.score(profile)
        self.stdout.write(json.dumps(as_json(result), ensure_ascii=False, indent=2))

    # ---- simulate

    def simulate_file(self, file: str, *, date_from: str, date_to: str, base: str | None) -> None:
        first, last = _day(date_from, "--from"), _day(date_to, "--to")
        if first > last:
            raise CommandError(f"--from {first} is after --to {last}")
        draft = self._version(file)
        try:
            base_row = rubric_version_by_code(base) if base else rubric_version_in_force(timezone.localdate())
        except UnknownRubricVersion as exc:
            known = ", ".join(exc.known) or "none"
            raise CommandError(f"--base {exc.code}: no such published version (published: {known})") from None
        except NoVersionInForce:
            raise CommandError("no published version is in force today: name one with --base") from None
        try:
            result = simulate(draft, base=base_row.parsed_config(), submitted_from=first, submitted_to=last)
        except SimulationError as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))


def as_json(result: ScoreResult) -> dict[str, Any]:
    """The command's output: points per criterion, each group's total, the total, the named
    thresholds and each track's verdict with its reasons."""
    return {
        "version": result.rubric_version,
        "criteria": [
            {
                "code": c.code,
                "points": c.points,
                "max": c.max,
                "explanation": c.explanation,
                "next_steps": [step.text for step in c.next_steps],
            }
            for c in result.criteria
        ],
        "groups": dict(result.groups),
        "bonuses": [{"code": b.code, "points": b.points, "basis": b.basis} for b in result.bonuses],
        "total": result.total,
        "thresholds": {
            code: {"points": th.points, "reached": th.reached} for code, th in result.thresholds.items()
        },
        "tracks": {
            code: {"eligible": tr.eligible, "reasons": list(tr.reasons)} for code, tr in result.tracks.items()
        },
    }
