"""Mentions already older than their connector's max_age when first collected are "stale".

They are stored and searchable, but never alerted and never listed as new in a digest. Existing
rows are not stale (they have been treated as news already). An index on ``collected_at`` lets the
digest count what was collected since the previous one ("Other mentions").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 21:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stale', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_mentions_collected_at'), ['collected_at'],
                              unique=False)
    if op.get_bind().dialect.name == "sqlite":  # the batch may have rebuilt the table
        _create_sqlite_triggers()


def downgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentions_collected_at'))
        batch_op.drop_column('stale')
    if op.get_bind().dialect.name == "sqlite":  # the batch rebuilt the table
        _create_sqlite_triggers()


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


def _create_sqlite_triggers() -> None:
    for name, statement in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(statement)
