"""Set-based writes shared by the modules.

``update_rows`` writes many rows' columns with one ``UPDATE … FROM (VALUES …)`` per
thousand rows, on SQLite and PostgreSQL alike. Django's ``bulk_update`` builds a
``CASE WHEN`` per column and row, which took minutes for a few hundred thousand rows.
"""

from collections.abc import Sequence

from django.db import connection

CHUNK = 1000


def update_rows(table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence], key: str = "id") -> int:
    """``rows`` are (key, value per column); ``columns`` are (column name, PostgreSQL
    type used to cast the VALUES list, e.g. "numeric", "timestamptz", "text")."""
    names = [name for name, _type in columns]
    pg = connection.vendor == "postgresql"
    sets = ", ".join(f"{n} = v.{n}{'::' + t if pg else ''}" for n, t in columns)
    placeholder = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = [x for row in chunk for x in row]
            cursor.execute(
                f"WITH v({key}, {', '.join(names)}) AS (VALUES {', '.join([placeholder] * len(chunk))})"  # noqa: S608
                f" UPDATE {table} SET {sets} FROM v WHERE {table}.{key} = v.{key}",
                params,
            )
    return len(rows)
