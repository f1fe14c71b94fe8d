from customers.models import PartnerUser


def partner_user(request):
    """The signed-in user's partner membership, for the page header (None for admins)."""
    if hasattr(request, "partner_user"):  # set by partnercenter.tenancy.partner_view
        return {"partner_user": request.partner_user}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"partner_user": None}
    return {"partner_user": PartnerUser.objects.select_related("partner").filter(user=user).first()}
