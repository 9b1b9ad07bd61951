"""Published and retired script versions are history: the database itself refuses to rewrite them.

The services refuse first (with a readable message); this trigger is the backstop for any other
path (a stray ``.save()``, a queryset ``update()``, raw SQL). It refuses:

- inserting, changing or deleting a section or variable of a published or retired version;
- changing a published or retired version's content columns (change summary, origin, number,
  script) or moving its status anywhere but published -> retired, or deleting it.

Removing a whole line's history on purpose (e.g. deleting a client's data) sets the
transaction-local setting ``bpo.purge_script_history`` to ``on`` first:
``SET LOCAL bpo.purge_script_history = 'on'``.

The function qualifies tables with the trigger's own schema (``TG_TABLE_SCHEMA``), so it reads
the right client's rows whatever the search path; the template schema's dump carries function
and triggers to new clients.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION catalog_script_history_guard() RETURNS trigger
LANGUAGE plpgsql AS $guard$
DECLARE
    version_status text;
    version_ids bigint[];
    checked_id bigint;
BEGIN
    IF current_setting('bpo.purge_script_history', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;

    IF TG_TABLE_NAME = 'catalog_scriptversion' THEN
        IF OLD.status NOT IN ('published', 'retired') THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'Script version % is % and cannot be deleted.', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.change_summary IS DISTINCT FROM OLD.change_summary
            OR NEW.based_on_id IS DISTINCT FROM OLD.based_on_id
            OR NEW.number IS DISTINCT FROM OLD.number
            OR NEW.script_id IS DISTINCT FROM OLD.script_id
            OR NOT (NEW.status = OLD.status
                    OR (OLD.status = 'published' AND NEW.status = 'retired'))
        THEN
            RAISE EXCEPTION 'Script version % is % and cannot be changed; edits make a new draft.',
                OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;

    -- A section or variable: the version it belongs to (before and after) must be mutable.
    IF TG_OP = 'INSERT' THEN
        version_ids := ARRAY[NEW.version_id];
    ELSIF TG_OP = 'UPDATE' THEN
        version_ids := ARRAY[OLD.version_id, NEW.version_id];
    ELSE
        version_ids := ARRAY[OLD.version_id];
    END IF;
    FOREACH checked_id IN ARRAY version_ids LOOP
        EXECUTE format('SELECT status FROM %I.catalog_scriptversion WHERE id = $1', TG_TABLE_SCHEMA)
            INTO version_status USING checked_id;
        IF version_status IN ('published', 'retired') THEN
            RAISE EXCEPTION 'Script version % is % and cannot be changed; edits make a new draft.',
                checked_id, version_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$guard$;

CREATE TRIGGER catalog_scriptversion_history_guard
    BEFORE UPDATE OR DELETE ON catalog_scriptversion
    FOR EACH ROW EXECUTE FUNCTION catalog_script_history_guard();
CREATE TRIGGER catalog_scriptsection_history_guard
    BEFORE INSERT OR UPDATE OR DELETE ON catalog_scriptsection
    FOR EACH ROW EXECUTE FUNCTION catalog_script_history_guard();
CREATE TRIGGER catalog_scriptvariable_history_guard
    BEFORE INSERT OR UPDATE OR DELETE ON catalog_scriptvariable
    FOR EACH ROW EXECUTE FUNCTION catalog_script_history_guard();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS catalog_scriptvariable_history_guard ON catalog_scriptvariable;
DROP TRIGGER IF EXISTS catalog_scriptsection_history_guard ON catalog_scriptsection;
DROP TRIGGER IF EXISTS catalog_scriptversion_history_guard ON catalog_scriptversion;
DROP FUNCTION IF EXISTS catalog_script_history_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
