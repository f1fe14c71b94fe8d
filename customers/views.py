from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from customers.tenancy import customers_for, partner_view


@require_GET
@partner_view
def customer_list(request):
    customers = customers_for(request).order_by("name")
    return TemplateResponse(request, "customers/customer_list.html", {"customers": customers})
