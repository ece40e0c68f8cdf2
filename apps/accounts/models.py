from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Roles are groups (see apps.accounts.roles)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()


class EnrolmentGrant(models.Model):
    """A single-use permission for a staff account to set up its authenticator, e-mailed as a link.

    Staff (ministry reviewers and supervisors, site staff) may not add an authenticator on their
    own: with only a stolen password, someone could otherwise enrol their own phone and the second
    factor would protect nothing. A site administrator issues a grant; the link goes to
    the staff member's address, so the mailbox is needed as well as the password.

    States, each with its moment kept for the audit:

    - issued (``issued_at``, by ``issued_by`` through ``issued_via``): the link is valid until
      ``expires_at`` for ``user`` only;
    - used (``used_at``): ``user``, signed in, followed the link; that session may now set up an
      authenticator (the link cannot be used again);
    - enrolled (``enrolled_at``): the authenticator was set up with it;
    - revoked (``revoked_at``): a newer grant for the same person replaced it before enrolment.

    Only the SHA-256 of the link's token is stored: the database alone cannot produce a link.
    """

    class Channel(models.TextChoices):
        ADMIN = "admin", _("admin site")
        COMMAND = "command", _("command line")
        DEMO = "demo", _("demo data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolment_grants",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # A snapshot for the audit: kept if the issuer's account goes; the system user on the command line.
    issued_by_name = models.CharField(_("issued by (as recorded)"), max_length=254)
    issued_via = models.CharField(_("issued through"), max_length=16, choices=Channel.choices)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("link followed at"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("authenticator set up at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-factor enrolment grant")
        verbose_name_plural = _("two-factor enrolment grants")
        ordering = ("-issued_at",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="enrolment_grant_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"
