"""A ready weekly report is a record the client was sent: the database refuses to change or
delete it, so its stored PDF always matches its SHA-256 and its snapshot.

The services never write a ready report (a regeneration is a new revision); this trigger is
the backstop for any other path (a stray ``.save()``, a queryset ``update()``, raw SQL). Rows
still queued, rendering or failed may change (that is how they become ready).

Removing a client's data on purpose sets ``SET LOCAL bpo.purge_report_history = 'on'`` first.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION reporting_weekly_report_guard() RETURNS trigger
LANGUAGE plpgsql AS $guard$
BEGIN
    IF current_setting('bpo.purge_report_history', true) = 'on' OR OLD.status <> 'ready' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Weekly report % (week %-W%, revision %) is stored and cannot be %; '
        'regenerating makes a new revision.',
        OLD.id, OLD.iso_year, lpad(OLD.iso_week::text, 2, '0'), OLD.revision,
        CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE 'changed' END
        USING ERRCODE = 'integrity_constraint_violation';
END
$guard$;

CREATE TRIGGER reporting_weeklyreport_guard
    BEFORE UPDATE OR DELETE ON reporting_weeklyreport
    FOR EACH ROW EXECUTE FUNCTION reporting_weekly_report_guard();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS reporting_weeklyreport_guard ON reporting_weeklyreport;
DROP FUNCTION IF EXISTS reporting_weekly_report_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
