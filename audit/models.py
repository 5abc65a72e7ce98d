"""The tamper-evident trail (留痕): every event row of the registered models gets a link in
a hash chain. A chain is one province's (``province``: the root of the unit tree the
events happened in, ``core.provinces``) and, inside it, one top-level subtree's
(``organization``: that subtree's path; audit/chain.py, ``chain_of_path``): a chain is
named by the pair, so its head, and the lock taken on it, never spans two provinces.

Each link stores the HMAC under AUDIT_KEY of the event's content hash together with the
previous link's hash, so editing or deleting an event row outside the application — or a link itself —
breaks the chain at that point, and ``verify_audit`` names it.

The province of a link or head is where the chain was written, for good: a unit moved to
another tree later writes its new events into its new province's chain, and its earlier
links stay where they are (``province_fixed``; docs/scale.md section 5).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.provinces import ProvinceKeyed

# The province of the chains of no unit: the security log's, and a step of nothing.
NO_PROVINCE = 0


# Chains of no unit: their province is NO_PROVINCE (the security log is the people's, who
# belong to no province; a step of nothing is an oversight event of neither a notice nor a
# rectification, which the services never write).
UNIT_LESS = {"security", "-"}


def province_of_chain(organization: str, *, registry=None) -> int:
    """The province of a chain from its name: the unit at the first step of the path
    (``registry``: today's apps or a migration's)."""
    if organization in UNIT_LESS:
        return NO_PROVINCE
    from django.apps import apps

    from responsibilities.models import Unit

    registry = registry or apps
    root = registry.get_model("responsibilities", "Unit").objects.filter(path=organization[: Unit.steplen])
    return root.values_list("pk", flat=True).first() or NO_PROVINCE


def chain_name(province: int, organization: str) -> str:
    """A chain's name where one text is wanted (an anchor's key, a problem found):
    ``province:organization``."""
    return f"{province}:{organization}"


class ChainHead(ProvinceKeyed):
    """The newest link of one chain; locked while a link is added, so concurrent events
    of one subtree are chained one after another."""

    organization = models.CharField(_("organization"), max_length=64)
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default="0" * 64)

    # Set by audit.chain from the event, never read from a parent row.
    province_from = ()
    province_fixed = True

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")
        constraints = [models.UniqueConstraint(fields=["province", "organization"], name="chainhead_unique_chain")]

    def __str__(self):
        return f"{self.province_id}:{self.organization} #{self.sequence}"


class AuditLink(ProvinceKeyed):
    organization = models.CharField(_("organization"), max_length=64)
    sequence = models.PositiveBigIntegerField(_("sequence"))
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("event"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    province_from = ()
    province_fixed = True

    class Meta:
        verbose_name = _("audit link")
        verbose_name_plural = _("audit links")
        ordering = ["province", "organization", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["province", "organization", "sequence"], name="auditlink_unique_sequence"),
            models.UniqueConstraint(fields=["province", "content_type", "object_id"], name="auditlink_one_per_event"),
        ]

    def __str__(self):
        return f"{self.province_id}:{self.organization} #{self.sequence}"
