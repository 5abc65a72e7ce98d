from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. ``full_name`` is how Chinese names are written: in one piece."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        help_text=_("Language of the e-mails this person receives."),
    )
    # Kept from the organization's directory (LDAP) when the person signs in with it.
    department = models.CharField(_("department"), max_length=128, blank=True)
    directory_dn = models.CharField(
        _("directory entry"),
        max_length=255,
        blank=True,
        help_text=_("Distinguished name in the directory; empty for a local account."),
    )
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    left_directory_at = models.DateTimeField(
        _("left the directory"),
        null=True,
        blank=True,
        help_text=_("When the directory sync last found this person gone or disabled."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # A new password is stamped here; accounts.security logs it once the row is saved (the
        # password's history for the validators is kept by accounts.passwords on Django's hook).
        if self._password is not None:
            from django.utils import timezone

            self.password_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class SecurityEvent(models.Model):
    """One entry of the security log (等保 2.0 安全审计, docs/security.md): sign-ins and
    their failures, lock-outs, password and role changes, exports downloaded and files
    opened. Kept at least 180 days (``MINGZE_SECURITY_LOG_DAYS``), searched and exported by
    the 审计管理员, and chained into the tamper-evident trail (audit/chain.py)."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        LOCKED_OUT = "locked_out", _("locked out")
        UNLOCKED = "unlocked", _("lock-out lifted")
        SIGN_OUT = "sign_out", _("signed out")
        SECOND_FACTOR = "second_factor", _("second factor checked")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("second factor refused")
        SECOND_FACTOR_SET_UP = "second_factor_set_up", _("second factor set up")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        ROLES_CHANGED = "roles_changed", _("roles changed")
        ACCOUNT_CHANGED = "account_changed", _("account changed")
        EXPORT_DOWNLOADED = "export_downloaded", _("export downloaded")
        FILE_OPENED = "file_opened", _("file opened")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    # The person the entry is about, and who did it when someone else did (an admin).
    username = models.CharField(_("account"), max_length=150, db_index=True)
    actor = models.CharField(_("by"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"


class PasswordHistory(models.Model):
    """A password a person had (its hash), so a new one cannot repeat the last few."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=256)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.at:%Y-%m-%d}"
