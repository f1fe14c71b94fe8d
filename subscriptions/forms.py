"""Forms of the upgrade page, the quantity change and the subscription page. They validate the
input; eligibility, the upgrade and the quantity change are the engine's
(`subscriptions.eligibility`, `subscriptions.quantity`, `subscriptions.services`)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from subscriptions import reasons
from subscriptions.eligibility import UpgradeOption
from subscriptions.fields import LicenseCountField

# The hidden fields are the page's, not the partner's: any error in them means a stale page.
_EXPIRED = _("This form has expired. Reload the page and try again.")
_WHOLE_LICENSES = _("Enter the number of licenses as a whole number.")


def _one_time_token() -> forms.UUIDField:
    """The token issued with the page: the first submit that succeeds spends it."""
    return forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": _EXPIRED, "invalid": _EXPIRED}
    )


def _license_count(*, label, min_value: int, below_minimum) -> forms.IntegerField:
    """A number of licenses typed by the partner, with the same wording in every form."""
    return LicenseCountField(
        label=label,
        min_value=min_value,
        error_messages={
            "required": _("Enter the number of licenses."),
            "invalid": _WHOLE_LICENSES,
            "min_value": below_minimum,
        },
    )


def _page_version() -> forms.IntegerField:
    """The version of the subscription the page was drawn from: a write since makes it stale."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": _EXPIRED, "invalid": _EXPIRED, "min_value": _EXPIRED},
    )


class UpgradeForm(forms.Form):
    """The new offer, the quantity, the page's version and one-time token, and, when the quantity
    leaves licensed users out, how many of them the partner accepts to leave without a license.

    The choices are every target of the source's upgrade paths, eligible or not: a target
    refused now may have been eligible when the page was drawn, and the engine then says why it
    is refused (and replays a token that already succeeded, e.g. a double click). Anything not on
    a path is a form error, never a 500.
    """

    target_offer = forms.TypedChoiceField(
        label=_("New offer"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the new offer."),
            "invalid_choice": _("Choose one of the offers listed."),
        },
    )
    quantity = _license_count(
        label=_("Quantity"), min_value=1, below_minimum=_("Enter at least %(limit_value)s license.")
    )
    token = _one_time_token()
    version = _page_version()
    # The checkbox carries the number the preview named; unticked (or forged away) it is 0, and
    # the engine refuses to leave anyone out.
    accept_unlicensed = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"invalid": _EXPIRED, "min_value": _EXPIRED},
    )

    def __init__(self, *args, options: list[UpgradeOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {option.target_offer.pk: option for option in options}
        self.fields["target_offer"].choices = [
            (pk, option.target_offer.name) for pk, option in self.options.items()
        ]

    def clean(self):
        cleaned = super().clean()
        option = self.options.get(cleaned.get("target_offer"))
        quantity = cleaned.get("quantity")
        if option is not None and quantity is not None:
            offer = option.target_offer
            if not offer.min_quantity <= quantity <= offer.max_quantity:
                message = reasons.describe(
                    reasons.QUANTITY_OUT_OF_RANGE,
                    {"min": offer.min_quantity, "max": offer.max_quantity, "target": offer.name},
                )
                self.add_error("quantity", message)
        return cleaned

    def selected_option(self) -> UpgradeOption | None:
        """The chosen target, as submitted, even when another field is wrong."""
        value = self["target_offer"].value()
        try:
            return self.options.get(int(value))
        except (TypeError, ValueError):
            return None


class QuantityChangeForm(forms.Form):
    """The new quantity, the quantity the form was drawn with, and the one-time token.

    Only the input's shape is checked here: the range (never below the assigned licenses, never
    above the offer's maximum) is the engine's, so a refused attempt is logged and the partner
    reads why, with the upgrade to take when the offer stops short.
    """

    quantity = _license_count(label=_("New quantity"), min_value=0, below_minimum=_WHOLE_LICENSES)
    based_on = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _EXPIRED,
            "invalid": _EXPIRED,
            "min_value": _EXPIRED,
        },
    )
    token = _one_time_token()


class LicensedUserSearchForm(forms.Form):
    """The search box over a subscription's licensed users: name or user principal name."""

    q = forms.CharField(label=_("Search users"), required=False, max_length=200, strip=True)

    def search(self, licenses):
        # Like the customer search: a query too long to be a name lists nothing, with its error.
        if not self.is_valid():
            return licenses.none()
        if query := self.cleaned_data["q"]:
            licenses = licenses.filter(
                Q(user__display_name__icontains=query) | Q(user__user_principal_name__icontains=query)
            )
        return licenses

    @property
    def is_filtering(self) -> bool:
        """Whether `search` leaves out any license: a query, or one that does not validate."""
        return not self.is_valid() or bool(self.cleaned_data["q"])
