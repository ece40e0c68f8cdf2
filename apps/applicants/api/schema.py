"""OpenAPI post-processing: what DRF's serializers cannot say by themselves."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes

from apps.rubric.fact_fields import DECIMAL_TEXT

# The request refuses any key that is not an answer (a typo must not score as 0): say so.
CLOSED_SCHEMAS = ("SelfAssessmentRequest", "PatchedSelfAssessmentRequest")


def closed_request_schema(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    for name in CLOSED_SCHEMAS:
        component = result.get("components", {}).get("schemas", {}).get(name)
        if component is not None:
            component["additionalProperties"] = False
    return result


class DecimalAnswerExtension(OpenApiSerializerFieldExtension):
    """A decimal answer: a JSON number within the fact's bounds, or the same number as text."""

    target_class = "apps.rubric.fact_fields.StrictDecimalField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        number = build_basic_type(OpenApiTypes.NUMBER)
        assert number is not None
        if field.min_value is not None:
            number["minimum"] = float(field.min_value)
        if field.max_value is not None:
            number["maximum"] = float(field.max_value)
        text = {"type": "string", "pattern": DECIMAL_TEXT}
        return {"oneOf": [number, text]}
