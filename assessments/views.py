from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .permissions import get_report_for


@login_required
def report_detail(request, pk):
    report = get_report_for(request.user, pk)
    events = report.events.select_related("actor")
    evidence = report.evidence.filter(removed_at__isnull=True).select_related("uploaded_by")
    return render(request, "assessments/report.html", {"report": report, "events": events, "evidence": evidence})
