from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class CustomerSearchForm(forms.Form):
    """The search box of the customer list: a plain GET form that htmx also sends as you type."""

    q = forms.CharField(label=_("Search customers"), required=False, max_length=200, strip=True)

    def search(self, customers: QuerySet) -> QuerySet:
        # An invalid query (too long) lists nothing rather than everything: the box shows the error.
        if not self.is_valid():
            return customers.none()
        if query := self.cleaned_data["q"]:
            customers = customers.filter(Q(name__icontains=query) | Q(domain__icontains=query))
        return customers
