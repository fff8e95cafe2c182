"""Mentions keyed by connector name (kind kept beside it); follower counts as BIGINT.

Until now ``mentions.source`` held the connector *kind* (``rss``), so two feeds of one kind shared
a key space and the second item with the same guid was dropped. From this revision ``source`` is the
connector's configured name and ``kind`` its kind. Existing rows: ``kind`` takes the old value;
``source`` becomes the connector's name where exactly one known connector (``connector_state``)
has that kind, else it stays as it was (the name cannot be known).

``author_followers`` becomes BIGINT: a source that reports 2^31 followers must not fail a batch.

On SQLite the batch rebuilds ``mentions``; its FTS5 triggers go with the old table and are
created again here (the index itself is keyed by ``sort_key``, which the copy keeps).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 21:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=True))
        batch_op.alter_column('source', existing_type=sa.String(length=32),
                              type_=sa.String(length=128), existing_nullable=False)
        batch_op.alter_column('author_followers', existing_type=sa.Integer(),
                              type_=sa.BigInteger(), existing_nullable=True)
    op.execute("UPDATE mentions SET kind = source")
    op.execute(
        "UPDATE mentions SET source = (SELECT cs.name FROM connector_state cs "
        "WHERE cs.kind = mentions.kind) "
        "WHERE (SELECT count(*) FROM connector_state cs WHERE cs.kind = mentions.kind) = 1 "
        "AND NOT EXISTS (SELECT 1 FROM mentions m2 JOIN connector_state cs "
        "ON cs.kind = mentions.kind AND m2.source = cs.name "
        "WHERE m2.external_id = mentions.external_id)")
    create_sqlite_triggers()


def downgrade() -> None:
    # The names stay in ``source`` (going back to kinds could collide on the unique key).
    op.execute("UPDATE mentions SET source = substr(source, 1, 32) WHERE length(source) > 32")
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.alter_column('author_followers', existing_type=sa.BigInteger(),
                              type_=sa.Integer(), existing_nullable=True)
        batch_op.alter_column('source', existing_type=sa.String(length=128),
                              type_=sa.String(length=32), existing_nullable=False)
        batch_op.drop_column('kind')
    create_sqlite_triggers()


SQLITE_TRIGGERS = {
    "mentions_fts_ai": """CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts(rowid, title, text, author)
        VALUES (new.sort_key, new.title, new.text, new.author);
    END""",
    "mentions_fts_ad": """CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author)
        VALUES ('delete', old.sort_key, old.title, old.text, old.author);
    END""",
    "mentions_fts_au": """CREATE TRIGGER mentions_fts_au AFTER UPDATE OF title, text, author, sort_key
    ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author)
        VALUES ('delete', old.sort_key, old.title, old.text, old.author);
        INSERT INTO mentions_fts(rowid, title, text, author)
        VALUES (new.sort_key, new.title, new.text, new.author);
    END""",
}


def create_sqlite_triggers() -> None:
    """The FTS5 sync triggers, (re)created after a batch rebuilt ``mentions`` on SQLite."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, statement in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(statement)
