"""Issue 14's acceptance: nothing outside the transition service writes a case's or a sponsorship's
state fields (status, assignee, clock, version, roster match, a sponsorship's times), neither by
assigning them nor with ``.update()`` / ``.bulk_update()`` / ``setattr``. Migrations are left out;
the back-dating entry for demo data is inside the service (decision 51).

The scan reads the source (AST); the second test feeds it each forbidden pattern, so a scan that
stopped finding things would fail there rather than pass vacuously here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The transition service: the move mechanism and the case module that declares the case's moves.
SERVICE = {Path("apps/core/moves.py"), Path("apps/cases/transitions.py")}

CASE_STATE = {
    "status",
    "assigned_to",
    "assigned_to_id",
    "assigned_at",
    "submitted_at",
    "due_at",
    "paused_at",
    "paused_total",
    "clock_period",
    "decided_at",
    "lock_version",
    "roster_confirmed_by",
    "roster_confirmed_by_id",
    "roster_confirmed_at",
}
SPONSORSHIP_STATE = {
    "status",
    "submitted_at",
    "confirmed_at",
    "withdrawn_at",
    "declined_at",
    "decline_reason",
}
STATE = CASE_STATE | SPONSORSHIP_STATE
# Objects of other models that share a field name, by the name the code gives them.
OTHER_MODELS = {"draft": "a rubric version draft (apps.policy.versions)"}
# A queryset of cases or sponsorships, as the code names them.
RECEIVERS = ("Case.", "Sponsorship.", "sponsorships", "cases", "Case)", "Sponsorship)")


def _receiver(call: ast.Call) -> str:
    assert isinstance(call.func, ast.Attribute)
    return ast.unparse(call.func.value)


def _is_state_queryset(call: ast.Call) -> bool:
    receiver = _receiver(call)
    return any(name in receiver for name in RECEIVERS)


def violations_in(source: str, name: str = "<source>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if (
                    isinstance(leaf, ast.Attribute)
                    and leaf.attr in STATE
                    and isinstance(leaf.ctx, ast.Store)
                    and ast.unparse(leaf.value) not in OTHER_MODELS
                ):
                    found.append(f"{name}:{node.lineno}: assigns .{leaf.attr}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            field = node.args[1]
            if isinstance(field, ast.Constant) and field.value in STATE:
                found.append(f"{name}:{node.lineno}: setattr(..., {field.value!r})")
        if isinstance(func, ast.Name) and func.id == "F" and node.args:
            field = node.args[0]
            if isinstance(field, ast.Constant) and field.value == "lock_version":
                found.append(f"{name}:{node.lineno}: F('lock_version')")
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr == "update" and _is_state_queryset(node):
            keywords = {k.arg for k in node.keywords}
            if None in keywords or keywords & STATE:  # None: a ** splat, whose keys cannot be read
                found.append(f"{name}:{node.lineno}: {_receiver(node)}.update(...)")
        if func.attr == "bulk_update" and len(node.args) >= 2:
            fields = node.args[1]
            names = {str(e.value) for e in ast.walk(fields) if isinstance(e, ast.Constant)}
            if names & STATE and _is_state_queryset(node):
                found.append(f"{name}:{node.lineno}: bulk_update of {sorted(names & STATE)}")
    return found


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "apps").rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts or relative in SERVICE:
            continue
        found += violations_in(path.read_text(encoding="utf-8"), str(relative))
    return found


def test_nothing_outside_the_transition_service_writes_a_case_s_or_sponsorship_s_state():
    assert violations() == []


def test_the_scan_finds_every_kind_of_write():
    source = """
locked.status = "approved"
case.assigned_to, case.assigned_at = reviewer, now
case.lock_version += 1
sponsorship.confirmed_at: object = now
setattr(case, "due_at", later)
Case.objects.filter(pk=1).update(roster_confirmed_at=now)
Case.objects.filter(pk=1).update(**fields)
Sponsorship.objects.filter(case=case).update(submitted_at=now)
applicant.cases.update(paused_at=None)
Case.objects.bulk_update(cases, ["due_at"])
Other.objects.filter(pk=1).update(extra=F("lock_version") + 1)
"""
    found = violations_in(source)
    assert [line.split(":")[1] for line in found] == [
        "2",
        "3",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "12",
    ], found


def test_what_is_not_a_state_write_is_not_reported():
    source = """
request.responded_at = now
draft.submitted_at = now
ReviewRequest.objects.filter(pk=1).update(decided_at=now)
Case.objects.filter(pk=1).update(is_demo=True)
answers.update(other)
status = "approved"
"""
    assert violations_in(source) == []
