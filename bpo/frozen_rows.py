"""A database trigger that keeps finished records final: SQL for migrations to run.

The catalog (``catalog/0002_script_immutability``) and QA (``quality/0002_scorecard_immutability``)
each wrote their own trigger function for "a published version and its rows never change".
This module is the one generic function new apps use instead of a further copy:
``bpo_refuse_frozen_rows()``, configured per table through the trigger's arguments.

- A *record* table (an invoice): its rows whose status column is not in ``open_statuses`` are
  frozen: deleting them is refused, and so is an update that changes any column outside
  ``mutable_columns`` or moves the status back to an open one.
- A *child* table (its lines): inserting, changing or deleting a row is refused while the
  record it belongs to (``link_column``, before and after an update) is frozen.

The services refuse first, with a readable message; this is the backstop for every other path
(a stray ``.save()``, a queryset ``update()``, raw SQL). The error is SQLSTATE 23000
(``integrity_constraint_violation``): Django raises ``IntegrityError``.

Removing a client's data on purpose sets the transaction-local setting named by
``purge_setting`` first (``SET LOCAL bpo.purge_invoices = 'on'``).

The function reads the record's table in the trigger's own schema (``TG_TABLE_SCHEMA``), so it
is right whatever the search path; it is created with ``CREATE OR REPLACE`` in each schema the
migration runs in (the template's dump carries it to new clients), so several apps can call
:func:`create_function_sql` without clashing.

No Django import: the migrations call these functions to build their ``RunSQL``.
"""

from __future__ import annotations

from collections.abc import Sequence

FUNCTION = "bpo_refuse_frozen_rows"


def create_function_sql() -> str:
    return r"""
CREATE OR REPLACE FUNCTION bpo_refuse_frozen_rows() RETURNS trigger
LANGUAGE plpgsql AS $guard$
DECLARE
    record_table text := TG_ARGV[0];
    link_column text := TG_ARGV[1];
    status_column text := TG_ARGV[2];
    open_statuses text[] := string_to_array(TG_ARGV[3], ',');
    mutable_columns text[] := string_to_array(TG_ARGV[4], ',');
    purge_setting text := TG_ARGV[5];
    refusal text := TG_ARGV[6];
    old_row jsonb;
    new_row jsonb;
    record_status text;
    record_ids bigint[];
    record_id bigint;
BEGIN
    IF purge_setting <> '' AND current_setting(purge_setting, true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW);
    END IF;

    IF record_table = '' THEN
        -- The record itself: frozen once its status left the open ones.
        record_status := old_row ->> status_column;
        IF record_status = ANY (open_statuses) THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '% % is % and cannot be deleted. %',
                TG_TABLE_NAME, old_row ->> 'id', record_status, refusal
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF (new_row ->> status_column) = ANY (open_statuses)
            OR (old_row - mutable_columns) IS DISTINCT FROM (new_row - mutable_columns)
        THEN
            RAISE EXCEPTION '% % is % and cannot be changed. %',
                TG_TABLE_NAME, old_row ->> 'id', record_status, refusal
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;

    -- A row of a record: the record it belongs to, before and after, must be open.
    record_ids := array_remove(
        ARRAY[(old_row ->> link_column)::bigint, (new_row ->> link_column)::bigint], NULL);
    FOREACH record_id IN ARRAY record_ids LOOP
        EXECUTE format('SELECT %I FROM %I.%I WHERE id = $1',
                       status_column, TG_TABLE_SCHEMA, record_table)
            INTO record_status USING record_id;
        IF record_status IS NOT NULL AND NOT (record_status = ANY (open_statuses)) THEN
            RAISE EXCEPTION '% of % % (%) cannot be changed. %',
                TG_TABLE_NAME, record_table, record_id, record_status, refusal
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$guard$;
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _arguments(*values: str) -> str:
    return ", ".join(_literal(value) for value in values)


def guard_record_sql(
    *,
    table: str,
    status_column: str,
    open_statuses: Sequence[str],
    mutable_columns: Sequence[str],
    purge_setting: str,
    refusal: str,
) -> str:
    """The trigger on a record table (``BEFORE UPDATE OR DELETE``)."""
    arguments = _arguments(
        "",
        "",
        status_column,
        ",".join(open_statuses),
        ",".join(mutable_columns),
        purge_setting,
        refusal,
    )
    return (
        f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}({arguments});"
    )


def guard_rows_sql(
    *,
    table: str,
    record_table: str,
    link_column: str,
    status_column: str,
    open_statuses: Sequence[str],
    purge_setting: str,
    refusal: str,
) -> str:
    """The trigger on a table of rows of a record (``BEFORE INSERT OR UPDATE OR DELETE``)."""
    arguments = _arguments(
        record_table,
        link_column,
        status_column,
        ",".join(open_statuses),
        "",
        purge_setting,
        refusal,
    )
    return (
        f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}({arguments});"
    )


def drop_guard_sql(table: str) -> str:
    """Drops one table's trigger (the shared function stays for the other tables)."""
    return f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};"
