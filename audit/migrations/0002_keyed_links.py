"""The upgrade to keyed links (issue 11, item 8): the plain SHA-256 links of earlier
releases are re-keyed with HMAC under AUDIT_KEY where their chain holds, and event rows
from before the chain existed are chained (audit.chain.rechain)."""

from django.db import migrations


def forward(apps, schema_editor):
    from audit.chain import rechain

    rekeyed, chained = rechain(apps, out=lambda line: print(f"\n  {line}", end=""))
    if rekeyed or chained:
        print(f"\n  audit: {rekeyed} links re-keyed, {chained} earlier events chained", end="")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("assessments", "0005_report_resubmit_by"),
        ("oversight", "0002_event_base"),
        ("appraisals", "0003_ballot_box"),
        ("responsibilities", "0001_initial"),
        # The security log is chained too (accounts.SecurityEvent).
        ("accounts", "0005_security_log"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
