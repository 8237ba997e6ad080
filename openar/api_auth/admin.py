from django.contrib import admin

from openar.api_auth.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # Tokens are created with `openar token create` (the only moment the secret is shown),
    # so the admin lists and revokes but never edits the hash.
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = [
        "name",
        "prefix",
        "token_hash",
        "user",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
