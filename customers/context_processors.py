from customers.models import PartnerUser


def partner_user(request):
    """The signed-in user's partner membership, for the page header (None for admins).

    The session's user comes with it (partnercenter/authentication.py): no query here.
    """
    if hasattr(request, "partner_user"):  # set by partnercenter.tenancy.partner_view
        return {"partner_user": request.partner_user}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"partner_user": None}
    try:
        return {"partner_user": user.partner_user}
    except PartnerUser.DoesNotExist:
        return {"partner_user": None}
