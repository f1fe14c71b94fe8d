"""API applications, their bearer tokens, their rate windows and their stored answers (docs/api.md).

An application belongs to one partner and acts with one of the partner roles, like a partner
user. Its client secret is stored with the password hasher; its tokens are high-entropy random
strings, so a SHA-256 digest is enough to store and find them.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Partner, PartnerUser

TOKEN_LIFETIME = timedelta(hours=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiApplication(models.Model):
    """A partner's script or integration, signing in with the client-credentials grant."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="api_applications", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    client_id = models.CharField(_("client id"), max_length=100, unique=True, default=uuid.uuid4)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=PartnerUser.Role.choices,
        help_text=_("What the application may do, as for a partner user: a billing admin only reads."),
    )
    enabled = models.BooleanField(
        _("enabled"), default=True, help_text=_("Disabling it revokes its tokens at once.")
    )
    secret_hash = models.CharField(_("client secret (hashed)"), max_length=200, editable=False)
    # After a rotation, the previous secret keeps working until this moment.
    previous_secret_hash = models.CharField(max_length=200, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["partner", "name"]
        verbose_name = _("API application")
        verbose_name_plural = _("API applications")
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="one_application_name_per_partner")
        ]

    def __str__(self):
        return f"{self.name} ({self.partner})"

    @property
    def may_change(self) -> bool:
        return self.role in PartnerUser.ROLES_THAT_MAY_CHANGE

    def set_secret(self, secret: str) -> None:
        self.secret_hash = make_password(secret)

    def rotate_secret(self) -> str:
        """A new secret, returned once; the old one keeps working for the configured overlap."""
        secret = new_secret()
        self.previous_secret_hash = self.secret_hash
        self.previous_secret_until = timezone.now() + timedelta(seconds=settings.API_SECRET_OVERLAP_SECONDS)
        self.set_secret(secret)
        return secret

    def check_secret(self, secret: str) -> bool:
        if self.secret_hash and check_password(secret, self.secret_hash):
            return True
        overlapping = self.previous_secret_until is not None and timezone.now() < self.previous_secret_until
        return overlapping and check_password(secret, self.previous_secret_hash)

    def issue_token(self) -> tuple[str, int]:
        """A new bearer token and its lifetime in seconds; only its digest is stored."""
        token = secrets.token_urlsafe(32)
        ApiToken.objects.create(
            application=self, digest=token_digest(token), expires_at=timezone.now() + TOKEN_LIFETIME
        )
        return token, int(TOKEN_LIFETIME.total_seconds())


class ApiToken(models.Model):
    application = models.ForeignKey(
        ApiApplication, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("API application")
    )
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.application} until {self.expires_at:%Y-%m-%d %H:%M}"


class RateWindow(models.Model):
    """How many requests one throttling key made in its current minute (`api.throttling`): one
    row per key, so the table stays as small as the partners and customers that call."""

    key = models.CharField(max_length=200, unique=True)
    minute = models.BigIntegerField()  # minutes since the epoch: the window the count is of
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("API rate window")
        verbose_name_plural = _("API rate windows")

    def __str__(self):
        return f"{self.key}: {self.count} in minute {self.minute}"


class StoredAnswer(models.Model):
    """The answer to a write sent with an `MS-RequestId` (`api.idempotency`), kept so that a retry
    with the same key and body gets it again, across workers and hosts. Until it is answered the
    row is the key's claim: in flight until `claimed_until`, after which it counts as abandoned
    (a worker that died) and another request may take it over."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    # The engine's one-time token for the key: one per partner and key.
    token = models.UUIDField(unique=True)
    # SHA-256 of the method, the path and the body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("stored API answer")
        verbose_name_plural = _("stored API answers")
        indexes = [models.Index(fields=["partner", "created_at"], name="stored_answers_by_age")]

    def __str__(self):
        return f"{self.token}: {self.status or 'in flight'}"
