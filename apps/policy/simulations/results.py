"""A stored simulation result (``SimulationResult.as_dict()``) as the tables a page and a CSV show.

Names come from the result's own ``labels`` (English and Korean, from the two versions) and the
reference lists (a field's name); counts stay numbers. The public CSV hides every group (segment,
field) of fewer than ``SMALLEST_GROUP`` cases and writes any other count from 1 to 4 as "<5", so no
published figure points at a handful of people (decision 38).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from apps.rubric.selectors import reference_names

SMALLEST_GROUP = 5
HIDDEN = "<5"
CELLS = ("pass_to_pass", "pass_to_fail", "fail_to_pass", "fail_to_fail")


def _label(result: Mapping[str, Any], kind: str, code: str, language: str) -> str:
    names = result.get("labels", {}).get(kind, {}).get(code)
    if not names:
        return code
    return str(names.get("ko" if language.startswith("ko") else "en") or code)


@dataclass(frozen=True, slots=True)
class Verdicts:
    pass_to_pass: int
    pass_to_fail: int
    fail_to_pass: int
    fail_to_fail: int

    @classmethod
    def read(cls, cells: Mapping[str, int]) -> Verdicts:
        return cls(*(int(cells.get(name, 0)) for name in CELLS))

    @property
    def passed_before(self) -> int:
        return self.pass_to_pass + self.pass_to_fail

    @property
    def passed_after(self) -> int:
        return self.pass_to_pass + self.fail_to_pass

    @property
    def net(self) -> int:
        return self.fail_to_pass - self.pass_to_fail


@dataclass(frozen=True, slots=True)
class Group:
    kind: str  # "overall", "segment" or "field"
    code: str
    label: str
    cases: int
    tracks: Mapping[str, Verdicts]
    criteria: Mapping[str, Mapping[str, float | None]]


@dataclass(frozen=True, slots=True)
class Tables:
    tracks: list[tuple[str, str]]  # code, label
    criteria: list[tuple[str, str]]
    overall: Group
    groups: list[Group]  # segments, then fields
    near: list[dict[str, Any]]
    causes: list[dict[str, Any]]
    together: dict[str, Any] | None
    changes: list[dict[str, Any]]

    def overall_tracks(self) -> list[tuple[str, Verdicts]]:
        return [(label, self.overall.tracks.get(code, Verdicts(0, 0, 0, 0))) for code, label in self.tracks]

    def overall_criteria(self) -> list[tuple[str, Mapping[str, float | None]]]:
        return [(label, self.overall.criteria.get(code, {})) for code, label in self.criteria]

    def by_track(self) -> list[dict[str, Any]]:
        """Per track, each group's 2x2 (segments first, then fields)."""
        return [
            {
                "code": code,
                "label": label,
                "segments": [(g, g.tracks.get(code)) for g in self.groups if g.kind == "segment"],
                "fields": [(g, g.tracks.get(code)) for g in self.groups if g.kind == "field"],
            }
            for code, label in self.tracks
        ]

    def criteria_by_group(self) -> list[tuple[Group, list[float | None]]]:
        """Each group with the change in each criterion's average points (None: not comparable)."""
        return [
            (g, [g.criteria.get(code, {}).get("change") for code, _ in self.criteria]) for g in self.groups
        ]

    @property
    def scoring_changes(self) -> list[dict[str, Any]]:
        return [c for c in self.changes if c.get("scoring")]

    @property
    def other_changes(self) -> list[dict[str, Any]]:
        return [c for c in self.changes if not c.get("scoring")]


def _group(kind: str, code: str, label: str, data: Mapping[str, Any]) -> Group:
    return Group(
        kind,
        code,
        label,
        int(data.get("cases", 0)),
        {t: Verdicts.read(cells) for t, cells in data.get("tracks", {}).items()},
        data.get("criteria", {}),
    )


def tables(result: Mapping[str, Any], language: str) -> Tables:
    tracks = [(code, _label(result, "tracks", code, language)) for code in result.get("tracks", {})]
    criteria = [(code, _label(result, "criteria", code, language)) for code in result.get("criteria", {})]
    overall = _group("overall", "", gettext("All cases"), result)
    groups = [
        _group("segment", code, _label(result, "segments", code, language), data)
        for code, data in result.get("segments", {}).items()
    ]
    names = reference_names()
    for code, data in result.get("fields", {}).items():
        label = gettext("No field given") if code == "(none)" else names.get(code, code)
        groups.append(_group("field", code, label, data))
    near = [
        {"code": code, "label": _label(result, "thresholds", code, language), **data}
        for code, data in result.get("near_thresholds", {}).items()
    ]
    causes = []
    for cause in result.get("causes", []):
        per_track = [
            (
                cause["tracks"].get(code, {}).get("fail_to_pass", 0),
                cause["tracks"].get(code, {}).get("pass_to_fail", 0),
            )
            for code, _ in tracks
        ]
        causes.append({**cause, "per_track": per_track})
    together = result.get("causes_together")
    if together:
        together = {
            **together,
            "per_track": [
                (
                    together["tracks"].get(c, {}).get("fail_to_pass", 0),
                    together["tracks"].get(c, {}).get("pass_to_fail", 0),
                )
                for c, _ in tracks
            ],
        }
    return Tables(tracks, criteria, overall, groups, near, causes, together, list(result.get("changes", [])))


def changed_row(case: Mapping[str, Any], t: Tables) -> dict[str, Any]:
    """A changed case with its flipped tracks as (track's name, verdict after)."""
    before, after = case.get("tracks_before", {}), case.get("tracks_after", {})
    flips = [
        (label, bool(after.get(code))) for code, label in t.tracks if before.get(code) != after.get(code)
    ]
    return {**case, "flips": flips}


def value_text(value: Any) -> str:
    """A parameter's value as one line of JSON (a removed or absent one as an em dash)."""
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


# --------------------------------------------------------------------------------------------------
# CSV


def csv_header() -> list[str]:
    return [
        gettext("Section"),
        gettext("Group"),
        gettext("Track"),
        gettext("Item"),
        gettext("Measure"),
        gettext("Value"),
    ]


def csv_rows(
    result: Mapping[str, Any], language: str, *, public: bool, with_cases: bool
) -> Iterator[list[Any]]:
    """Every figure of the result, one per row (section, group, track, item, measure, value)."""
    t = tables(result, language)

    def count(n: int) -> Any:
        return HIDDEN if public and 0 < n < SMALLEST_GROUP else n

    yield [gettext("Run"), "", "", gettext("Draft"), gettext("code"), result.get("draft", "")]
    yield [gettext("Run"), "", "", gettext("Base"), gettext("code"), result.get("base", "")]
    yield [gettext("Run"), "", "", gettext("Period"), gettext("from"), result.get("submitted_from", "")]
    yield [gettext("Run"), "", "", gettext("Period"), gettext("until"), result.get("submitted_to", "")]
    for group in [t.overall, *t.groups]:
        section = {"overall": gettext("All cases"), "segment": gettext("Segment"), "field": gettext("Field")}[
            group.kind
        ]
        if public and group.cases < SMALLEST_GROUP:
            yield [section, group.label, "", "", gettext("cases"), HIDDEN if group.cases else 0]
            continue
        yield [section, group.label, "", "", gettext("cases"), count(group.cases)]
        for code, label in t.tracks:
            verdicts = group.tracks.get(code)
            if verdicts is None:
                continue
            for cell in CELLS:
                yield [section, group.label, label, gettext("verdict"), cell, count(getattr(verdicts, cell))]
        for code, label in t.criteria:
            averages = group.criteria.get(code, {})
            for measure in ("before", "after", "change"):
                value = averages.get(measure)
                yield [
                    section,
                    group.label,
                    "",
                    label,
                    f"average points {measure}",
                    "" if value is None else value,
                ]
    for near in t.near:
        for measure in ("points_before", "points_after"):
            yield [gettext("Near threshold"), near["label"], "", "", measure, near.get(measure) or ""]
        for measure in ("before", "after"):
            yield [
                gettext("Near threshold"),
                near["label"],
                "",
                gettext("cases within 5 points"),
                measure,
                count(near[measure]),
            ]
    for cause in t.causes:
        yield [gettext("Cause"), cause["label"], "", "", gettext("cases"), count(cause["cases"])]
        for (_code, label), (up, down) in zip(t.tracks, cause["per_track"], strict=True):
            yield [gettext("Cause"), cause["label"], label, "", "fail_to_pass", count(up)]
            yield [gettext("Cause"), cause["label"], label, "", "pass_to_fail", count(down)]
    if t.together:
        yield [
            gettext("Cause"),
            gettext("Only several changes together"),
            "",
            "",
            gettext("cases"),
            count(t.together["cases"]),
        ]
    for change in t.changes:
        yield [
            gettext("Change"),
            change["path"],
            "",
            value_text(change["before"]),
            "after",
            value_text(change["after"]),
        ]
    yield [
        gettext("Changed cases"),
        "",
        "",
        "",
        gettext("in all"),
        count(int(result.get("changed_cases", 0))),
    ]
    if with_cases and not public:
        for case in result.get("changed", []):
            for code, label in t.tracks:
                before, after = case["tracks_before"].get(code), case["tracks_after"].get(code)
                if before != after:
                    yield [
                        gettext("Changed case"),
                        case["reference"],
                        label,
                        f"{case['total_before']} -> {case['total_after']}",
                        "fail_to_pass" if after else "pass_to_fail",
                        "; ".join(case.get("causes", [])),
                    ]
