"""Published and retired scorecard versions are history: the database refuses to rewrite them,
so an evaluation scored with a version can always be scored again the same way.

The services refuse first (with a readable message); this trigger is the backstop for any other
path (a stray ``.save()``, a queryset ``update()``, raw SQL). It refuses:

- inserting, changing or deleting a section or criterion of a published or retired version;
- changing a published or retired version's content columns (change summary, pass mark,
  origin, number, scorecard) or moving its status anywhere but published -> retired, or
  deleting it.

Removing a client's data on purpose sets ``SET LOCAL bpo.purge_scorecard_history = 'on'`` first.
Tables are qualified with the trigger's own schema (``TG_TABLE_SCHEMA``), as in the catalog's
``0002_script_immutability``.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION quality_scorecard_history_guard() RETURNS trigger
LANGUAGE plpgsql AS $guard$
DECLARE
    version_status text;
    version_ids bigint[];
    checked_id bigint;
BEGIN
    IF current_setting('bpo.purge_scorecard_history', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;

    IF TG_TABLE_NAME = 'quality_scorecardversion' THEN
        IF OLD.status NOT IN ('published', 'retired') THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'Scorecard version % is % and cannot be deleted.', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.change_summary IS DISTINCT FROM OLD.change_summary
            OR NEW.pass_mark_percent IS DISTINCT FROM OLD.pass_mark_percent
            OR NEW.based_on_id IS DISTINCT FROM OLD.based_on_id
            OR NEW.number IS DISTINCT FROM OLD.number
            OR NEW.scorecard_id IS DISTINCT FROM OLD.scorecard_id
            OR NOT (NEW.status = OLD.status
                    OR (OLD.status = 'published' AND NEW.status = 'retired'))
        THEN
            RAISE EXCEPTION
                'Scorecard version % is % and cannot be changed; a change makes a new version.',
                OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;

    -- A section or a criterion: the version it belongs to (before and after) must be a draft.
    IF TG_TABLE_NAME = 'quality_scorecardsection' THEN
        IF TG_OP = 'INSERT' THEN
            version_ids := ARRAY[NEW.version_id];
        ELSIF TG_OP = 'UPDATE' THEN
            version_ids := ARRAY[OLD.version_id, NEW.version_id];
        ELSE
            version_ids := ARRAY[OLD.version_id];
        END IF;
    ELSE
        IF TG_OP = 'INSERT' THEN
            EXECUTE format('SELECT ARRAY[version_id] FROM %I.quality_scorecardsection WHERE id = $1',
                           TG_TABLE_SCHEMA) INTO version_ids USING NEW.section_id;
        ELSIF TG_OP = 'UPDATE' THEN
            EXECUTE format('SELECT array_agg(version_id) FROM %I.quality_scorecardsection '
                           'WHERE id = ANY($1)', TG_TABLE_SCHEMA)
                INTO version_ids USING ARRAY[OLD.section_id, NEW.section_id];
        ELSE
            EXECUTE format('SELECT ARRAY[version_id] FROM %I.quality_scorecardsection WHERE id = $1',
                           TG_TABLE_SCHEMA) INTO version_ids USING OLD.section_id;
        END IF;
    END IF;
    FOREACH checked_id IN ARRAY coalesce(version_ids, ARRAY[]::bigint[]) LOOP
        EXECUTE format('SELECT status FROM %I.quality_scorecardversion WHERE id = $1',
                       TG_TABLE_SCHEMA)
            INTO version_status USING checked_id;
        IF version_status IN ('published', 'retired') THEN
            RAISE EXCEPTION
                'Scorecard version % is % and cannot be changed; a change makes a new version.',
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

CREATE TRIGGER quality_scorecardversion_history_guard
    BEFORE UPDATE OR DELETE ON quality_scorecardversion
    FOR EACH ROW EXECUTE FUNCTION quality_scorecard_history_guard();
CREATE TRIGGER quality_scorecardsection_history_guard
    BEFORE INSERT OR UPDATE OR DELETE ON quality_scorecardsection
    FOR EACH ROW EXECUTE FUNCTION quality_scorecard_history_guard();
CREATE TRIGGER quality_scorecardcriterion_history_guard
    BEFORE INSERT OR UPDATE OR DELETE ON quality_scorecardcriterion
    FOR EACH ROW EXECUTE FUNCTION quality_scorecard_history_guard();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS quality_scorecardcriterion_history_guard ON quality_scorecardcriterion;
DROP TRIGGER IF EXISTS quality_scorecardsection_history_guard ON quality_scorecardsection;
DROP TRIGGER IF EXISTS quality_scorecardversion_history_guard ON quality_scorecardversion;
DROP FUNCTION IF EXISTS quality_scorecard_history_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
