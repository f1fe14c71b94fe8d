"""The activity log's filters: a plain GET form that narrows the partner's log (docs/domain.md §7).

A value that does not validate filters nothing and is shown as an error; dates are whole days
in the user's time zone, the one the log's times are shown in.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from customers.models import Customer, Partner
from partnercenter.widgets import Select
from subscriptions.activity import person_name
from subscriptions.models import Operation


class ActivityFilterForm(forms.Form):
    """The log's filters, as a plain GET form; a value that does not validate filters nothing."""

    customer = forms.ModelChoiceField(
        label=gettext_lazy("Customer"),
        queryset=Customer.objects.none(),
        required=False,
        empty_label=gettext_lazy("All customers"),
        widget=Select,
    )
    # The people now; the API and the system, when they act, will be choices of their own.
    who = forms.ModelChoiceField(
        label=pgettext_lazy("person who made an operation", "Who"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=pgettext_lazy("every person who made an operation", "Everyone"),
        widget=Select,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All kinds")), *Operation.Kind.choices],
        widget=Select,
        required=False,
    )
    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[("", gettext_lazy("All results")), *Operation.Result.choices],
        widget=Select,
        required=False,
    )
    date_from = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # From a subscription page's "every attempt" link; not a control of its own.
    subscription = forms.IntegerField(
        required=False, min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput
    )

    def __init__(self, data, *, partner: Partner):
        super().__init__(data)
        # Only customers the log can show: those this partner changed something for.
        self.fields["customer"].queryset = (
            Customer.objects.for_partner(partner)
            .filter(operations__partner=partner)
            .distinct()
            .order_by("name", "pk")
        )
        self.fields["who"].queryset = people_in_log_of(partner)
        self.fields["who"].label_from_instance = person_name

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned

    def filter(self, operations):
        """`operations` narrowed by every filter that validated (the others are shown as errors)."""
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        if values.get("customer"):
            operations = operations.filter(customer=values["customer"])
        if values.get("who"):
            operations = operations.filter(actor=values["who"])
        if values.get("kind"):
            operations = operations.filter(kind=values["kind"])
        if values.get("result"):
            operations = operations.filter(result=values["result"])
        # Whole days in the user's time zone, the one the log's times are shown in (docs/domain.md
        # §3), as a range on the indexed column (a __date lookup would compute every row's date).
        if values.get("date_from"):
            operations = operations.filter(created_at__gte=_start_of(values["date_from"]))
        if values.get("date_to") and values["date_to"] < datetime.date.max:
            next_day = values["date_to"] + datetime.timedelta(days=1)
            operations = operations.filter(created_at__lt=_start_of(next_day))
        if values.get("subscription"):
            operations = operations.filter(subscription_id=values["subscription"])
        return operations

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


def _start_of(day: datetime.date) -> datetime.datetime:
    # The active zone: partner_view activated the user's.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def people_in_log_of(partner: Partner):
    """The partner's users who made an operation of its log, by the name the log shows."""
    full_name = Trim(Concat("first_name", Value(" "), "last_name"))
    actors = Operation.objects.filter(partner=partner).values("actor")
    return (
        get_user_model()
        .objects.filter(partner_user__partner=partner, pk__in=actors)
        .annotate(shown_name=Coalesce(NullIf(full_name, Value("")), "username"))
        .order_by(Lower("shown_name"), "pk")
    )
