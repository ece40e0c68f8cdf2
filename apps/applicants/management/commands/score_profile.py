"""``manage.py score_profile FILE.json``: score one profile exactly as ``POST /api/v1/self-assessment`` does.

The file (``-`` for stdin) holds one request object; the result is printed as the API's JSON. Invalid
input prints the errors per answer to stderr and exits with a non-zero status.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from apps.applicants.api.serializers import SelfAssessmentRequestSerializer, score_answers


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class Command(BaseCommand):
    help = "Score one self-assessment profile (a JSON object, as the API takes) and print the API's answer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file holding one request object, or - for stdin.")

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"])
        serializer = SelfAssessmentRequestSerializer(data=data)
        try:
            serializer.is_valid(raise_exception=True)
            result = score_answers(serializer.validated_data)
        except serializers.ValidationError as exc:
            raise CommandError(self._format_errors(exc.detail)) from None
        # DRF's encoder, as the API's JSONRenderer uses: the same numbers and strings, byte for byte.
        self.stdout.write(json.dumps(result.as_dict(), cls=JSONEncoder, indent=2, ensure_ascii=False))

    def _read(self, name: str) -> Any:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as exc:  # JSONDecodeError, or NaN/Infinity, which the API refuses too
            raise CommandError(f"{name} is not valid JSON: {exc}") from None

    def _format_errors(self, detail: Any) -> str:
        """``{field: [messages]}`` -> one "field: message" line each, under a heading."""
        lines = ["The profile is not valid:"]
        if isinstance(detail, dict):
            for field, messages in detail.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    lines.append(f"  {field}: {message}")
        else:
            lines.extend(f"  {message}" for message in (detail if isinstance(detail, list) else [detail]))
        return "\n".join(lines)
