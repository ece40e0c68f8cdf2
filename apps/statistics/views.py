"""The public statistics page (issue 15): no sign-in, English and Korean, from the latest release.

Every figure comes from the stored release (``apps.metrics``), so the page costs one query and never
computes anything; the CSV and JSON downloads are the same release in a stable schema
(``SCHEMA_FIELDS``, documented at /statistics/schema/).
"""

from __future__ import annotations

import csv
import json
import re

from django import forms
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from apps.accounts.mfa import second_factor_needed, two_factor_satisfied
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.metrics.models import StatisticsRelease
from apps.metrics.selectors import latest_release, latest_release_key
from apps.metrics.services import ROW_FIELDS, ReleaseRefused, release_publish
from apps.statistics import presentation as p

# A release never changes (a correction is a new release), so its figures are rendered once per
# release and language and then served from the cache: the page costs one query and a cache read.
# The timeout only bounds how long a deployment's template change takes to show.
RELEASE_HTML_SECONDS = 3600


def _figures_context(release: StatisticsRelease) -> dict[str, object]:
    figures = release.figures
    return {
        "release": release,
        "figures": figures,
        "headline": p.headline(figures),
        "months": p.by_month(figures),
        "quarters": p.by_quarter(figures),
        "tracks": p.by_group(figures, "track"),
        "sponsors": p.approvals(figures, "sponsor"),
        "track_approvals": p.approvals(figures, "track"),
        "ages": p.open_by_age(figures),
        "segments": p.segments(figures),
        "not_counted": [p.segment_title(figures, code) for code in figures["segments"]["not_counted"]],
    }


def _release_html(request: HttpRequest, release: StatisticsRelease) -> str:
    key = f"statistics:release-html:{release.pk}:{release.revision}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("statistics/_release.html", _figures_context(release), request=request)
        cache.set(key, html, RELEASE_HTML_SECONDS)
    return mark_safe(html)  # noqa: S308  (our own template's output, escaped when it was rendered)


@require_safe
# Private: the page carries the visitor's CSRF token (the language switch), so a shared cache must
# not hand one visitor's page to another. The CSV and JSON carry nothing personal: public.
@cache_control(private=True, max_age=300)
def statistics_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated or len(get_messages(request)) or request.GET:
        # A menu or a message of the visitor's own, or a query string (the language switch's
        # "next" repeats the address): rendered for this request alone.
        release = latest_release(with_figures=False)
        if release is None:
            return render(request, "statistics/page.html", {"release": None})
        return _statistics_response(request, release)
    return _anonymous_page(request)


def _statistics_response(request: HttpRequest, release: StatisticsRelease) -> HttpResponse:
    html = _release_html(request, release)
    return render(request, "statistics/page.html", {"release": release, "release_html": html})


# Anonymous visitors (nearly all of them) get one stored page per release and language, in which the
# only thing of their own, the CSRF token (the language switch and the htmx header), is a hole filled
# for each request: the whole page from one cache read, a fresh token for each visitor.
TOKEN_HOLE = "\x00csrf-token\x00"  # noqa: S105  (a placeholder, not a secret)
_TOKEN_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _anonymous_page(request: HttpRequest) -> HttpResponse:
    in_force = latest_release_key()  # from the cache: a warm request reads no table
    if in_force is None:
        return render(request, "statistics/page.html", {"release": None})
    key = "statistics:anonymous-page:{}:{}:{}".format(*in_force, get_language())
    stored = cache.get(key)
    if isinstance(stored, str):
        return HttpResponse(stored.replace(TOKEN_HOLE, get_token(request)))
    release = StatisticsRelease.objects.get(pk=in_force[0])  # cold: the figures are rendered next
    response = _statistics_response(request, release)
    html = response.content.decode()
    found = _TOKEN_IN_FORM.search(html)
    if found is not None:  # the token rendered in this page: every copy of it becomes the hole
        cache.set(key, html.replace(found.group(1), TOKEN_HOLE), RELEASE_HTML_SECONDS)
    return response


@require_safe
def schema_page(request: HttpRequest) -> HttpResponse:
    return render(request, "statistics/schema.html", {"fields": ROW_FIELDS})


@require_safe
@cache_control(public=True, max_age=300)
def statistics_json(request: HttpRequest) -> HttpResponse:
    release = latest_release()
    if release is None:
        return HttpResponse(
            json.dumps({"detail": "No statistics have been published yet."}),
            status=404,
            content_type="application/json",
        )
    document = {
        "release": {
            "published_at": release.published_at.isoformat(),
            "month": release.month.isoformat(),
            "revision": release.revision,
            "revision_note": release.revision_note,
            "next_release_on": release.next_release_on.isoformat(),
        },
        **release.figures,
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'inline; filename="ktp-statistics-{release.month:%Y-%m}-r{release.revision}.json"'
    )
    return response


@require_safe
@cache_control(public=True, max_age=300)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    release = latest_release()
    if release is None:
        return HttpResponse("No statistics have been published yet.\n", status=404, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ktp-statistics-{release.month:%Y-%m}-r{release.revision}.csv"'
    )
    writer = csv.writer(response)
    # Column names are the stable schema's (English codes, never translated); an empty cell is a
    # figure that was not published (a small number, or hidden so that one cannot be worked out).
    writer.writerow(["release", *ROW_FIELDS])
    name = f"{release.month:%Y-%m}-r{release.revision}"
    for row in release.figures["rows"]:
        writer.writerow([name, *("" if row[f] is None else row[f] for f in ROW_FIELDS)])
    return response


# --- Publishing a release by hand (supervisors) ---------------------------------------------------


class PublishForm(forms.Form):  # labels are lazy: the form class is built once
    revision_note = forms.CharField(
        label=gettext_lazy("What this release corrects, and why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Required when this month's figures are already published: the note is shown with the figures."
        ),
    )


def _supervisor(request: HttpRequest) -> User | HttpResponse:
    """Supervisors with a second factor; 404 for everyone else (the page is not advertised)."""
    user = request.user
    if not isinstance(user, User) or not user.groups.filter(name=Role.SUPERVISOR).exists():
        raise Http404
    if not two_factor_satisfied(request, user):
        return second_factor_needed(request, user)
    return user


def publish_page(request: HttpRequest) -> HttpResponse:
    """A supervisor publishes this month's release now, or a correction with its note (audited)."""
    user = _supervisor(request)
    if isinstance(user, HttpResponse):
        return user
    form = PublishForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                release = release_publish(by=user, revision_note=form.cleaned_data["revision_note"])
            except ReleaseRefused as refused:
                form.add_error("revision_note", str(refused))
            else:
                messages.success(request, _("Release %(release)s is published.") % {"release": release})
                return redirect("statistics:page")
        status = 400
    return render(
        request, "statistics/publish.html", {"form": form, "release": latest_release()}, status=status
    )
