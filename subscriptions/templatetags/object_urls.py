"""`{{ customer.pk|object_url:"customers:detail" }}`: an object's page, for rows of a list.

The same URL as `{% url "customers:detail" customer.pk %}`, reversed once per process
(partnercenter/object_urls.py).
"""

from django import template

from partnercenter import object_urls

register = template.Library()


@register.filter
def object_url(pk, name: str) -> str:
    return object_urls.object_url(name, pk)
