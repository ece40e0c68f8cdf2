"""Links to the role apps' pages come from one registry (apps.core.links, decision 53): every registered
link resolves to its page, every name the shared apps ask for is registered, and no shared app or
e-mail template spells a role app's path or URL name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import URLResolver, get_resolver, resolve

from apps.cases.models import Case, Sponsorship
from apps.core import links
from apps.organisations.models import Organisation

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"
ROLE_APPS = ("applicants", "employers", "reviewers", "policy", "statistics", "demo")
# The apps below the role apps (tests/core/test_layers.py has the whole order).
SHARED_APPS = (
    "core",
    "accounts",
    "rubric",
    "organisations",
    "programmes",
    "cases",
    "notifications",
    "metrics",
)

CASE = Case(reference="KTP-2026-000123")
ORGANISATION = Organisation(pk=7)
SPONSORSHIP = Sponsorship(pk=3, organisation_id=7)
# Each registered link, the arguments it takes, and the page (URL name) it must lead to.
EXPECTED = {
    "case_status": ({"case": CASE}, "application:status", {"reference": CASE.reference}),
    "applications": ({}, "application:list", {}),
    "employer_home": ({}, "employers:dashboard", {}),
    "organisation_verification": ({"organisation": ORGANISATION}, "employers:verification", {"pk": 7}),
    "sponsored_case": (
        {"sponsorship": SPONSORSHIP},
        "employers:sponsored_case",
        {"pk": 7, "sponsorship_pk": 3},
    ),
    "invitation_accept": ({"token": "t0ken"}, "employers:invitation_accept", {"token": "t0ken"}),
    "ministry_case": ({"case": CASE}, "ministry:case", {"reference": CASE.reference}),
    "reminder_preferences": ({}, "ministry:preferences", {}),
}


def test_the_role_apps_register_exactly_the_expected_links() -> None:
    assert links.registered() == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@override_settings(SITE_URL="https://ktp.example.kr/")
def test_each_registered_link_is_absolute_and_resolves_to_its_page(name: str) -> None:
    kwargs, view_name, captured = EXPECTED[name]
    url = links.link(name, **kwargs)
    assert url.startswith("https://ktp.example.kr/")
    assert "//" not in url.removeprefix("https://")
    match = resolve(url.removeprefix("https://ktp.example.kr"))
    assert match.view_name == view_name
    assert match.kwargs == captured


def test_an_unknown_link_is_an_error_not_an_empty_link() -> None:
    with pytest.raises(LookupError, match="no_such_page"):
        links.link("no_such_page")


def test_a_name_registered_twice_for_another_page_is_refused() -> None:
    with pytest.raises(Exception, match="registered twice"):
        links.register("case_status", lambda **kwargs: "/elsewhere/")


@override_settings(SITE_URL="https://ktp.example.kr")
def test_the_template_tag_gives_the_same_url() -> None:
    rendered = Template('{% load links %}{% link "case_status" case=case %}').render(Context({"case": CASE}))
    assert (
        rendered
        == links.link("case_status", case=CASE)
        == "https://ktp.example.kr/apply/KTP-2026-000123/status/"
    )


# --- the shared apps ask the registry --------------------------------------------------------------

NAME_ASKED = re.compile(r"""(?:\blink\(\s*|\{%\s*link\s+)["']([a-z_]+)["']""")


def _shared_files(suffixes: tuple[str, ...], root: Path = APPS_DIR) -> list[Path]:
    return [
        path
        for app in SHARED_APPS
        for path in sorted((root / app).rglob("*"))
        if path.suffix in suffixes and "migrations" not in path.parts
    ]


def test_every_link_the_shared_apps_ask_for_is_registered() -> None:
    asked = {
        name
        for path in _shared_files((".py", ".txt", ".html"))
        for name in NAME_ASKED.findall(path.read_text())
    }
    assert asked, "the scan found no link at all: it is looking in the wrong place"
    assert asked <= links.registered()


def _first_segment(pattern: object) -> str:
    return str(getattr(pattern, "pattern", "")).split("/")[0]


def _is_role_apps(pattern: object) -> bool:
    module = str(getattr(getattr(pattern, "urlconf_module", None), "__name__", ""))
    return isinstance(pattern, URLResolver) and module.startswith(tuple(f"apps.{app}." for app in ROLE_APPS))


def _role_prefixes() -> set[str]:
    """The first segment of every role app's paths ("apply", "employer", "ministry", "self-assessment",
    ...), but for those the project's own pages share ("api": the schema and its docs are config's)."""
    prefixes, others = set(), set()
    for pattern in get_resolver().url_patterns:
        if not _is_role_apps(pattern):
            others.add(_first_segment(pattern))
        elif _first_segment(pattern):
            prefixes.add(_first_segment(pattern))
        else:  # included at the root: its own first segments
            prefixes |= {_first_segment(p) for p in pattern.url_patterns if _first_segment(p)}
    return prefixes - others


def _role_namespaces() -> set[str]:
    return {str(p.namespace) for p in get_resolver().url_patterns if _is_role_apps(p) and p.namespace}


def _python_strings(source: str) -> list[tuple[int, str]]:
    """The string constants of a module (f-strings' literal parts too), docstrings left out."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def role_links_in(root: Path, prefixes: set[str], namespaces: set[str]) -> list[str]:
    """Places in the shared apps' code and e-mail templates that spell a role app's path or URL name."""
    path_re = re.compile(r"(?:^|[}/\"' ])/?(" + "|".join(map(re.escape, sorted(prefixes))) + r")/")
    name_re = re.compile(r"^(" + "|".join(map(re.escape, sorted(namespaces))) + r"):[a-z_]+$")
    url_tag_re = re.compile(r"\{%\s*url\s+[\"'](" + "|".join(map(re.escape, sorted(namespaces))) + r"):")
    found = []
    for path in _shared_files((".py",), root):
        for line_number, string in sorted(_python_strings(path.read_text())):
            if path_re.search(string) or name_re.match(string):
                found.append(f"{path.relative_to(root)}:{line_number}: {string!r}")
    for path in _shared_files((".txt", ".html"), root):
        text = re.sub(r"\{#.*?#\}", "", path.read_text())
        for number, line in enumerate(text.splitlines(), start=1):
            if path_re.search(line) or url_tag_re.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:80]}")
    return found


def test_the_shared_apps_spell_no_role_apps_path_or_url_name() -> None:
    prefixes, namespaces = _role_prefixes(), _role_namespaces()
    assert {"apply", "employer", "ministry", "self-assessment"} <= prefixes
    assert {"application", "employers", "ministry"} <= namespaces
    assert role_links_in(APPS_DIR, prefixes, namespaces) == []


def test_the_scan_finds_the_ways_a_path_was_spelled_before(tmp_path: Path) -> None:
    notifications = tmp_path / "notifications"
    (notifications / "templates").mkdir(parents=True)
    (notifications / "services.py").write_text(
        '"""Mentions /apply/<ref>/status/ in a docstring: fine."""\n'
        'STATUS = f"{SITE_URL}/apply/{reference}/status/"\n'
        'NAME = "employers:invitation_accept"\n'
        'OTHER = "/accounts/login/"\n'
    )
    (notifications / "templates" / "body.txt").write_text(
        "{# /employer/ in a comment: fine #}\nSee {{ site_url }}/employer/\n{% url 'ministry:case' ref %}\n"
    )
    assert role_links_in(tmp_path, {"apply", "employer", "ministry"}, {"employers", "ministry"}) == [
        "notifications/services.py:2: '/apply/'",
        "notifications/services.py:3: 'employers:invitation_accept'",
        "notifications/templates/body.txt:2: See {{ site_url }}/employer/",
        "notifications/templates/body.txt:3: {% url 'ministry:case' ref %}",
    ]
