"""Client data, the change history included, lives in client schemas, which the provider's
Django admin (public schema) does not open; the catalog's pages and API show the history."""

from django.contrib import admin

from bpo.audit.models import LogEntry

# django-auditlog registers its entry model in the admin; that table exists only in client
# schemas.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
