"""The queue's filter form (GET, works without JavaScript) and the supervisors' assignment forms.

An invalid filter value is reported next to the filters and left out; the other filters still
apply, so a mistyped address never ends in an error page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import User
from apps.cases.assignment import BULK_ASSIGN_LIMIT, assignable_users
from apps.cases.models import Track
from apps.reviewers.queue.selectors import (
    DEFAULT_PAGE_SIZE,
    MAX_DUE_WITHIN_DAYS,
    PAGE_SIZES,
    QUEUE_STATUSES,
    AssignedTo,
    Cursor,
    InvalidCursor,
    QueueCounts,
    QueueFilters,
    parse_cursor,
)

OTHER_FIELD = "other"
YES, NO = "yes", "no"

Label = str | Promise


def _person(user: User) -> str:
    return user.full_name or user.email


STATUS_CHOICES: list[tuple[str, Label]] = [
    ("", _("All open cases")),
    *((status.value, status.label) for status in QUEUE_STATUSES),
]
TRACK_CHOICES: list[tuple[str, Label]] = [("", _("All tracks")), *Track.choices]
SME_CHOICES: list[tuple[str, Label]] = [("", _("Either")), (YES, _("Claimed")), (NO, _("Not claimed"))]
ASSIGNED_CHOICES: list[tuple[str, Label]] = [
    (AssignedTo.ANYONE, _("Anyone or nobody")),
    (AssignedTo.ME, _("To me")),
    (AssignedTo.SOMEONE, _("To someone")),
    (AssignedTo.NOBODY, _("To nobody")),
]
# The filters shown as radio buttons, each option with its count.
RADIO_CHOICES = {
    "status": STATUS_CHOICES,
    "track": TRACK_CHOICES,
    "sme": SME_CHOICES,
    "assigned": ASSIGNED_CHOICES,
}


@dataclass(frozen=True, slots=True)
class FilterOption:
    """A radio button with the number of open cases it would show."""

    value: str
    label: Label
    count: int | None
    dom_id: str
    checked: bool

    @property
    def count_id(self) -> str:
        return f"{self.dom_id}-count"


@dataclass(frozen=True, slots=True)
class FilterGroup:
    name: str
    legend: Label
    options: list[FilterOption]
    errors: list[str]


class SearchInput(forms.TextInput):
    input_type = "search"


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    return "form-select" if isinstance(widget, forms.Select) else "form-control"


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=SearchInput,
        help_text=_("Case reference, applicant's name (Korean or Latin letters) or employer."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=STATUS_CHOICES,
        error_messages={"invalid_choice": _("Choose one of the open statuses listed.")},
    )
    track = forms.ChoiceField(
        label=_("Track"),
        required=False,
        choices=TRACK_CHOICES,
        error_messages={"invalid_choice": _("Choose one of the tracks listed.")},
    )
    field = forms.ChoiceField(
        label=_("Field"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the fields listed.")},
    )
    sme = forms.ChoiceField(
        label=_("SME bonus claimed"),
        required=False,
        choices=SME_CHOICES,
        error_messages={"invalid_choice": _("Choose whether the SME bonus is claimed.")},
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=ASSIGNED_CHOICES,
        error_messages={"invalid_choice": _("Choose me, someone or nobody.")},
    )
    assignee = forms.TypedChoiceField(
        label=_("Reviewer"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a reviewer from the list.")},
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_within = forms.IntegerField(
        label=_("Due within (days)"),
        required=False,
        min_value=0,
        max_value=MAX_DUE_WITHIN_DAYS,
        # Formatted lazily: a string formatted here, at import, would stay in the default language.
        help_text=format_lazy(
            _("Calendar days in Korea, from 0 (due today) to {max}."), max=MAX_DUE_WITHIN_DAYS
        ),
        error_messages={
            key: format_lazy(_("Enter a whole number of days from 0 to {max}."), max=MAX_DUE_WITHIN_DAYS)
            for key in ("invalid", "min_value", "max_value")
        },
    )
    size = forms.TypedChoiceField(
        label=_("Cases per page"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
        error_messages={"invalid_choice": _("Choose 10, 25, 50 or 100 cases per page.")},
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any,
        *,
        field_choices: Sequence[tuple[str, Label]],
        reviewers: Sequence[User] | None = None,
    ) -> None:
        """``reviewers`` only for supervisors: they may also filter by a named reviewer."""
        super().__init__(data)
        self._choice("field").choices = [("", _("All fields")), *field_choices]
        if reviewers is None:
            del self.fields["assignee"]
        else:
            self._choice("assignee").choices = [
                ("", _("Any reviewer")),
                *((str(person.pk), _person(person)) for person in reviewers),
            ]

        for bound in self.fields.values():
            bound.widget.attrs.setdefault("class", _css_class(bound.widget))

    def _choice(self, name: str) -> forms.ChoiceField:
        found = self.fields[name]
        assert isinstance(found, forms.ChoiceField)
        return found

    def clean_after(self) -> Cursor | None:
        return self._cursor("after")

    def clean_before(self) -> Cursor | None:
        return self._cursor("before")

    def _cursor(self, name: str) -> Cursor | None:
        value = self.cleaned_data.get(name) or ""
        if not value:
            return None
        try:
            return parse_cursor(value)
        except InvalidCursor:
            raise forms.ValidationError(
                _("This page link is not valid any more. Showing the first page instead.")
            ) from None

    # --- What the view needs, from the values that passed validation ----------------------------

    def queue_filters(self) -> QueueFilters:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        sme = data.get("sme") or ""
        return QueueFilters(
            q=data.get("q") or "",
            status=data.get("status") or "",
            track=data.get("track") or "",
            field=data.get("field") or "",
            sme=None if not sme else sme == YES,
            assigned=data.get("assigned") or AssignedTo.ANYONE,
            assignee_id=data.get("assignee"),
            overdue=bool(data.get("overdue")),
            due_within=data.get("due_within"),
        )

    def cleaned(self, name: str, default: Any = None) -> Any:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        value = data.get(name)
        return default if value is None else value

    @property
    def page_size(self) -> int:
        return int(self.cleaned("size", DEFAULT_PAGE_SIZE))

    def error_summary(self) -> list[tuple[str, Label, str]]:
        """(anchor, field label, message) for each error, linking to the control to fix."""
        found: list[tuple[str, Label, str]] = []
        for name, errors in self.errors.items():
            bound = self[name]
            if name in RADIO_CHOICES:
                anchor = f"filter-{name}-any"
            elif bound.is_hidden:
                anchor = "queue-results"
            else:
                anchor = bound.id_for_label
            found += [(anchor, bound.label or _("Page"), str(error)) for error in errors]
        return found

    def radio_groups(self, counts: QueueCounts) -> list[FilterGroup]:
        """The radio filters with the number of open cases each option would show."""
        per_option: dict[str, dict[str, int | None]] = {
            "status": {"": counts.total, **counts.status},
            "track": {"": counts.total, **counts.track},
            "sme": {"": counts.total, YES: counts.sme_claimed, NO: counts.sme_not_claimed},
            "assigned": {
                AssignedTo.ANYONE: counts.total,
                AssignedTo.ME: counts.mine,
                AssignedTo.SOMEONE: counts.assigned,
                AssignedTo.NOBODY: counts.unassigned,
            },
        }
        return [self._group(name, per_option[name]) for name in RADIO_CHOICES]

    def _group(self, name: str, counts: dict[str, int | None]) -> FilterGroup:
        bound = self[name]
        current = str(self.cleaned(name, ""))
        options = [
            FilterOption(
                value=str(value),
                label=label,
                count=counts.get(str(value)),
                dom_id=f"filter-{name}-{value or 'any'}",
                checked=str(value) == current,
            )
            for value, label in RADIO_CHOICES[name]
        ]
        errors = [str(error) for error in bound.errors]
        return FilterGroup(name=name, legend=bound.label, options=options, errors=errors)


def field_choices(strategic: Iterable[Any]) -> list[tuple[str, Label]]:
    """The strategic fields of the reference data, then "Other field" (as the applicant chose)."""
    return [
        *((item.code, item.display_name) for item in strategic),
        (OTHER_FIELD, pgettext_lazy("field of work", "Other field")),
    ]


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person(obj)


class AssignForm(forms.Form):
    to = ReviewerChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        empty_label=_("Choose a reviewer"),
        error_messages={
            "required": _("Choose the reviewer to assign the case to."),
            "invalid_choice": _("Choose an active reviewer from the list."),
        },
    )
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to = self.fields["to"]
        assert isinstance(to, forms.ModelChoiceField)
        to.queryset = assignable_users()
        to.widget.attrs["class"] = "form-select"


class CaseIdsField(forms.Field):
    """The ticked rows of the queue: case ids, at least one and at most a page."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one case to assign."),
        "invalid": _("The cases ticked could not be read. Reload the queue and try again."),
        "too_many": _("Assign at most %(limit)d cases at a time."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(set(ids)) > BULK_ASSIGN_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": BULK_ASSIGN_LIMIT}
            )
        return ids


class BulkAssignForm(AssignForm):
    cases = CaseIdsField()
