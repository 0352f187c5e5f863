"""The archive's schema in PostgreSQL: :data:`~ingest.archive.schema.TABLES` rendered as DDL,
created or migrated on open, and the full-text search index.

Every text column is ``text COLLATE "C"``: values compare and sort byte by byte, as in SQLite,
so feeds list records in the same order whatever the database's locale. Dates stay ISO 8601
text (as in SQLite), which sorts in time order.

A schema-version record (``wirefeed_schema``: a fingerprint of the DDL below) makes opening an
archive in shape one query; a different fingerprint (a column added to ``TABLES``) migrates it
under an advisory lock, so processes opening the same database at once migrate it once.
"""

from __future__ import annotations

import hashlib

import psycopg

from ingest.archive import schema as spec
from ingest.archive.schema import _DROPPED_INDEXES, SEARCH_COLUMNS, Table, after_migration

#: Advisory lock keys (two int4 keys: wirefeed's class, then the lock) in the database.
LOCK_CLASS = 0x7766
LOCK_WRITER = 1   # the single-writer lock (``writer_lock``): held for a run or a publish
LOCK_STORE = 2    # every write transaction (as SQLite's BEGIN IMMEDIATE)
LOCK_SCHEMA = 3   # creating or migrating the schema

#: Record language (ISO 639-1, its primary subtag) -> PostgreSQL text search configuration;
#: every other language is indexed with 'simple' (lower-cased words, no stemming).
SEARCH_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "nl": "dutch", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish", "ta": "tamil",
    "tr": "turkish",
}
#: One language per configuration, '' for 'simple': a query is read in each of them (a record
#: matches in its own language's).
QUERY_LANGUAGES = ("", *sorted({name: code for code, name in sorted(SEARCH_CONFIGS.items(),
                                                                    reverse=True)}.values()))


def _config_function(schema: str | None) -> str:
    """The function that names a record's text search configuration: ours (accents removed
    first, as SQLite's ``remove_diacritics``) in ``schema``, or PostgreSQL's own without the
    ``unaccent`` extension (``schema`` None)."""
    def config(base: str) -> str:
        return f"{schema}.wirefeed_{base}" if schema else f"pg_catalog.{base}"

    return ("CREATE OR REPLACE FUNCTION wirefeed_search_config(language text) RETURNS regconfig "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (CASE split_part(lower(coalesce("
            "language, '')), '-', 1) "
            + " ".join(f"WHEN '{code}' THEN '{config(name)}'"
                       for code, name in sorted(SEARCH_CONFIGS.items()))
            + f" ELSE '{config('simple')}' END)::regconfig $$")


_CONFIG_FUNCTION = _config_function("public")  # its shape, for the schema's fingerprint
#: The indexed document of a record (queries must spell it the same to use the GIN index).
SEARCH_DOCUMENT = (
    "to_tsvector(wirefeed_search_config(language), "
    + " || ' ' || ".join(f"coalesce({column}, '')" for column in SEARCH_COLUMNS) + ")")
#: A query text read in every language's configuration (one ``?`` per :data:`QUERY_LANGUAGES`).
SEARCH_QUERY = "(" + " || ".join(f"plainto_tsquery(wirefeed_search_config('{code}'), ?)"
                                 for code in QUERY_LANGUAGES) + ")"
_SEARCH_INDEX = f"CREATE INDEX IF NOT EXISTS idx_articles_search ON articles USING GIN ({SEARCH_DOCUMENT})"


_TYPES = {int: "bigint", str: 'text COLLATE "C"'}


def _column(name: str, kind: type, table: Table) -> str:
    sql = f"{name} {_TYPES[kind]}"
    return sql + (" NOT NULL" if name in table.not_null else "")


def render_table(table: Table) -> str:
    """``CREATE TABLE`` for one table of ``TABLES``."""
    parts = [_column(name, kind, table) for name, kind in table.columns.items()]
    parts.append(f"PRIMARY KEY ({', '.join(table.pk)})")
    parts += [f"FOREIGN KEY ({column}) REFERENCES {other} ({key})"
              for column, other, key in table.foreign_keys]
    return f"CREATE TABLE {table.name} ({', '.join(parts)})"


def render_indexes(table: Table) -> list[str]:
    """``CREATE INDEX IF NOT EXISTS`` for each index of one table (named as in SQLite)."""
    return [f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS "
            f"{table.index_name(columns)} ON {table.name} ({', '.join(columns)})"
            for unique, group in ((True, table.unique), (False, table.indexes))
            for columns in group]


def fingerprint() -> str:
    """The schema version: a digest of the DDL that :data:`~ingest.archive.schema.TABLES` and
    the search index render to (so any change to them is a new version)."""
    statements = [_CONFIG_FUNCTION, _SEARCH_INDEX, *_DROPPED_INDEXES]
    for table in spec.TABLES:
        statements += [render_table(table), *render_indexes(table)]
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]


def _accent_free_configs(conn) -> str | None:
    """Make our text search configurations (each of PostgreSQL's, words stripped of their
    accents by ``unaccent`` before stemming) in the current schema; its name, or None when the
    ``unaccent`` extension cannot be had (not installed, or no right to create it)."""
    try:
        with conn.transaction():  # a savepoint: a refusal leaves the migration going
            conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except psycopg.Error:
        return None
    schema = conn.execute("SELECT current_schema()").fetchone()[0]
    have = {name for (name,) in conn.execute(
        "SELECT cfgname FROM pg_ts_config WHERE cfgnamespace = current_schema()::regnamespace")}
    for base in ("simple", *sorted(set(SEARCH_CONFIGS.values()))):
        if f"wirefeed_{base}" in have:
            continue
        conn.execute(f"CREATE TEXT SEARCH CONFIGURATION wirefeed_{base} (COPY = pg_catalog.{base})")
        conn.execute(f"ALTER TEXT SEARCH CONFIGURATION wirefeed_{base} ALTER MAPPING FOR "
                     f"hword, hword_part, word WITH unaccent, "
                     f"{'simple' if base == 'simple' else base + '_stem'}")
    return schema


def _function_source_of(statement: str) -> str:
    return statement.split("$$")[1].strip()


def _function_source(conn) -> str | None:
    """The body of the database's ``wirefeed_search_config``, if it has one."""
    row = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'wirefeed_search_config' "
                       "AND pronamespace = current_schema()::regnamespace").fetchone()
    return row[0].strip() if row else None


def schema_ready(conn) -> bool:
    """Whether the database holds this version of the schema (``conn``: a PgConnection)."""
    if conn.execute("SELECT to_regclass('wirefeed_schema')").fetchone()[0] is None:
        return False
    row = conn.execute("SELECT fingerprint FROM wirefeed_schema WHERE id = 1").fetchone()
    return bool(row) and row[0] == fingerprint()


def create_or_migrate(conn) -> None:
    """Create missing tables, add missing columns and indexes, run the shared data steps and
    record the schema version, in one transaction under the schema lock."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", [LOCK_CLASS, LOCK_SCHEMA])
        conn.execute("CREATE TABLE IF NOT EXISTS wirefeed_schema (id bigint PRIMARY KEY, "
                     "fingerprint text NOT NULL)")
        if schema_ready(conn):  # another process migrated it while we waited for the lock
            return
        have: dict[str, set[str]] = {}
        for table_name, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()"):
            have.setdefault(table_name, set()).add(column)
        created: set[str] = set()
        added: set[tuple[str, str]] = set()
        for table in spec.TABLES:
            if table.name not in have:
                conn.execute(render_table(table))
                created.add(table.name)
            else:
                for name, kind in table.columns.items():
                    if name not in have[table.name]:
                        conn.execute(f"ALTER TABLE {table.name} ADD COLUMN {_column(name, kind, table)}")
                        added.add((table.name, name))
            for statement in render_indexes(table):
                conn.execute(statement)
        for index in _DROPPED_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        function = _config_function(_accent_free_configs(conn))
        if _function_source(conn) != _function_source_of(function):
            # The index holds documents made with the old language mapping: make it anew.
            conn.execute("DROP INDEX IF EXISTS idx_articles_search")
            conn.execute(function)
        conn.execute(_SEARCH_INDEX)
        after_migration(conn, created, added)
        conn.execute("INSERT INTO wirefeed_schema (id, fingerprint) VALUES (1, ?) "
                     "ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
                     [fingerprint()])
