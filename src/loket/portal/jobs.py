"""The periodic work of the portal, registered with the scheduler in ``PortalConfig.ready``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from loket.notifications.jobs import Job
from loket.portal.models import DraftUpload


def clean_drafts() -> str:
    """Files of applications that were never sent are removed after a week."""
    old = DraftUpload.objects.filter(created_at__lt=timezone.now() - timedelta(days=7))
    count = 0
    for draft in old.iterator():
        draft.file.delete(save=False)
        draft.delete()
        count += 1
    return f"{count} drafts removed"


CLEAN_DRAFTS = Job("clean_drafts", timedelta(hours=24), clean_drafts)
JOBS = (CLEAN_DRAFTS,)
