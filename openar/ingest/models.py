from __future__ import annotations

from django.conf import settings
from django.db import models

from openar.ingest.choices import ImportFormat, ImportKind, ImportStatus


class ImportBatch(models.Model):
    """One run of an import (or its preview): what came in and what it changed."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=ImportStatus.choices)
    partial = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # The first errors (the full list goes to the caller and to the rejects file).
    errors = models.JSONField(default=list, blank=True)
    rejects_path = models.CharField(max_length=500, blank=True)
    notes = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"
