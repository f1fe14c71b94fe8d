from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from customers.account import account_settings
from partnercenter.signin import AdminSignInForm, SignInForm
from partnercenter.views import hello, signed_in_floor

# Both sign-ins count every attempt for the lockout, whatever was typed (partnercenter/signin.py).
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="customers:list", permanent=False), name="home"),
    # Only sign in and sign out: partner accounts are managed by their partner's admin, so the
    # password reset views (which would send mail) are deliberately not exposed.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/settings/", account_settings, name="account_settings"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("customers/", include("customers.urls")),
    path("subscriptions/", include("subscriptions.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # The benchmark's floor (`make bench`): the same middleware as every page, nothing else.
    path("_hello/", hello, name="hello"),
    # ... and the floor of a signed-in page: the partner's session, user and header.
    path("_signed-in/", signed_in_floor, name="signed-in-floor"),
]
