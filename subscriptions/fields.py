"""Form fields for what a partner types (shape only: the limits are the engine's)."""

import re

from django import forms
from django.core.exceptions import ValidationError

# [0-9], not \d: \d also matches full-width, Arabic-Indic and every other script's digits.
_ASCII_DIGITS = re.compile(r"[0-9]+")


class LicenseCountField(forms.IntegerField):
    """A number of licenses in ASCII digits, nothing else; white space around them is dropped.

    IntegerField hands the text to `int()`, which also reads `3_0`, `+29`, `３０` and `٣٠`, and
    drops a trailing `.0` first: a number the partner did not type as such would be ordered.
    """

    def to_python(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = value.strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if not isinstance(text, str) or not _ASCII_DIGITS.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return int(text)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
