"""The sign-in forms, the partners' and Django admin's: every attempt counts for the lockout.

Django's form authenticates only when both fields are valid, so an attempt with a NUL, an empty
password or no user name never reached django-axes, which counts what `authenticate` reports
failed (its `user_login_failed` signal): such attempts were free guesses. Here they are
reported like a wrong password, with the name as typed (partnercenter/lockout.py makes it
storable).
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm


class CountsEveryAttempt:
    """For an AuthenticationForm: a field error counts as a failed sign-in too."""

    def clean(self):
        if self.cleaned_data.get("username") is None or not self.cleaned_data.get("password"):
            # No password, so no backend signs anyone in; axes' backend still refuses a locked-out
            # name or address (the lockout page then, and the failure is not counted again), and
            # authenticate() reports the failure it counts. Django's form checks nothing more.
            username = self.cleaned_data.get("username", self["username"].value())
            authenticate(self.request, username=username, password=None)
        return super().clean()


class SignInForm(CountsEveryAttempt, AuthenticationForm):
    """The partners' sign-in (`/accounts/login/`)."""


class AdminSignInForm(CountsEveryAttempt, AdminAuthenticationForm):
    """Django admin's sign-in (`/admin/login/`): staff only, as Django's."""
