"""The signed-in partner user's own settings: the time zone their timestamps are shown in.

Only the user's own row, whatever the role: choosing how one's own pages read changes nothing
of the partner's (a billing admin may do it too). Business dates stay UTC (docs/domain.md §3).
"""

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from customers.models import PartnerUser, time_zone_choices
from partnercenter.tenancy import partner_view
from partnercenter.widgets import Select


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        required=False,
        help_text=gettext_lazy(
            "Times on your pages and in the activity log's CSV are shown in this zone, and the log's "
            "date filters count its days. Billing dates stay the UTC dates the billing counts."
        ),
        error_messages={"invalid_choice": gettext_lazy("Choose a time zone from the list.")},
        widget=Select,
    )

    class Meta:
        model = PartnerUser
        fields = ["time_zone"]

    def __init__(self, *args, instance: PartnerUser, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        partners = _("Your partner's time zone (%(zone)s)") % {"zone": instance.partner.time_zone}
        self.fields["time_zone"].choices = [("", partners), *time_zone_choices()]


@require_http_methods(["GET", "POST"])
@partner_view
def account_settings(request):
    """GET the form; POST saves the user's zone and redirects back here (Post/Redirect/Get)."""
    partner_user = request.partner_user
    if request.method == "POST":
        form = AccountSettingsForm(request.POST, instance=partner_user)
        if form.is_valid():
            # Only the zone: a role an admin changes meanwhile is not written back.
            form.save(commit=False).save(update_fields=["time_zone"])
            if partner_user.time_zone:
                message = _("Your time zone is now %(zone)s.") % {"zone": partner_user.time_zone}
            else:
                message = _("Your time zone is now your partner's, %(zone)s.") % {
                    "zone": partner_user.partner.time_zone
                }
            messages.success(request, message)
            return redirect("account_settings")
        status = HTTPStatus.BAD_REQUEST
    else:
        form, status = AccountSettingsForm(instance=partner_user), HTTPStatus.OK
    return TemplateResponse(request, "account/settings.html", {"form": form}, status=status)
