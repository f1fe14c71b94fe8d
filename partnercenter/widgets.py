"""A select whose options are written in Python rather than through one template each.

Django's `Select` renders every option through its own template include: the settings page's
600 time zones took 25 ms, the activity log's filters 7 (`make bench`, BENCHMARKS.md). This
writes the same markup as Django's templates (the select's attributes, optgroups, `selected`
on the first matching option) with `format_html`, escaping every value and label alike.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        found = False

        def option(option_value, label) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = not found and text in chosen
            found |= selected
            marker = " selected" if selected else ""
            return format_html('<option value="{}"{}>{}</option>', text, marker, label)

        parts = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                inner = format_html_join("\n  ", "{}", ((option(*choice),) for choice in label))
                parts.append(format_html('<optgroup label="{}">\n  {}\n  </optgroup>', option_value, inner))
            else:
                parts.append(option(option_value, label))
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join("\n  ", "{}", ((part,) for part in parts))
        return format_html("<select{}>\n  {}\n</select>", flatatt(final_attrs), options)
