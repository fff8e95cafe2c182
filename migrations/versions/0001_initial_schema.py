"""Initial schema: mentions, verdicts and flags, connector state, digests, triage, audit.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 13:31:34.585331
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=256), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('classifier_models',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('labels', sa.Integer(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=True),
    sa.Column('blob', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classifier_models')),
    sa.UniqueConstraint('version', name=op.f('uq_classifier_models_version'))
    )
    op.create_table('connector_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connector', sa.String(length=128), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('fetched', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_runs'))
    )
    with op.batch_alter_table('connector_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connector_runs_connector_started_at'), ['connector', 'started_at'], unique=False)

    op.create_table('connector_state',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('cursor', sa.JSON(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_new_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_connector_state'))
    )
    op.create_table('digests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('digest_date', sa.Date(), nullable=False),
    sa.Column('audience', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('recipients', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digests')),
    sa.UniqueConstraint('digest_date', 'audience', name=op.f('uq_digests_digest_date_audience'))
    )
    op.create_table('mentions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sort_key', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=512), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('canonical_url', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=40), nullable=True),
    sa.Column('cluster_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=256), nullable=True),
    sa.Column('author_followers', sa.Integer(), nullable=True),
    sa.Column('lang', sa.String(length=8), nullable=True),
    sa.Column('matched_alias', sa.String(length=128), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions')),
    sa.UniqueConstraint('sort_key', name=op.f('uq_mentions_sort_key')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_mentions_source_external_id'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_author'), ['author'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_canonical_url'), ['canonical_url'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_fingerprint'), ['fingerprint'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('mention_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_alerts_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('mention_id', name=op.f('uq_alerts_mention_id'))
    )
    op.create_table('digest_items',
    sa.Column('digest_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mention_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['digest_id'], ['digests.id'], name=op.f('fk_digest_items_digest_id_digests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_digest_items_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest_id', 'mention_id', name=op.f('pk_digest_items'))
    )
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_items_mention_id'), ['mention_id'], unique=True)

    op.create_table('flags',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('mention_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_flags_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_category_mention_id'), ['category', 'mention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_mention_id'), ['mention_id'], unique=False)

    op.create_table('spikes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('top_terms', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('digest_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['digest_id'], ['digests.id'], name=op.f('fk_spikes_digest_id_digests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spikes')),
    sa.UniqueConstraint('window_start', name=op.f('uq_spikes_window_start'))
    )
    op.create_table('triage',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('mention_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_triage_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triage'))
    )
    with op.batch_alter_table('triage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_triage_mention_id'), ['mention_id'], unique=False)

    op.create_table('verdicts',
    sa.Column('mention_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('classifier_version', sa.String(length=32), nullable=False),
    sa.Column('classified_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_verdicts_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mention_id', name=op.f('pk_verdicts'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_severity'), ['severity'], unique=False)

    create_full_text_search()


def downgrade() -> None:
    drop_full_text_search()
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdicts_severity'))

    op.drop_table('verdicts')
    with op.batch_alter_table('triage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_triage_mention_id'))

    op.drop_table('triage')
    op.drop_table('spikes')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_mention_id'))
        batch_op.drop_index(batch_op.f('ix_flags_category_mention_id'))

    op.drop_table('flags')
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_items_mention_id'))

    op.drop_table('digest_items')
    op.drop_table('alerts')
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentions_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_mentions_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_canonical_url'))
        batch_op.drop_index(batch_op.f('ix_mentions_author'))

    op.drop_table('mentions')
    op.drop_table('digests')
    op.drop_table('connector_state')
    with op.batch_alter_table('connector_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_runs_connector_started_at'))

    op.drop_table('connector_runs')
    op.drop_table('classifier_models')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')


SQLITE_FTS = [
    # External-content FTS5 index whose rowid is mentions.sort_key (time-ordered and unique), so
    # "newest first" is a backwards walk of the FTS index that stops after LIMIT rows.
    """CREATE VIRTUAL TABLE mentions_fts USING fts5(
        title, text, author,
        content='mentions', content_rowid='sort_key',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts(rowid, title, text, author)
        VALUES (new.sort_key, new.title, new.text, new.author);
    END""",
    """CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author)
        VALUES ('delete', old.sort_key, old.title, old.text, old.author);
    END""",
    """CREATE TRIGGER mentions_fts_au AFTER UPDATE OF title, text, author, sort_key ON mentions
    BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author)
        VALUES ('delete', old.sort_key, old.title, old.text, old.author);
        INSERT INTO mentions_fts(rowid, title, text, author)
        VALUES (new.sort_key, new.title, new.text, new.author);
    END""",
]

POSTGRES_FTS = [
    # Dutch stemming; text capped so a pathological 1 MB post cannot exceed tsvector's size limit.
    """ALTER TABLE mentions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('dutch', coalesce(title, '') || ' ' || left(text, 200000) || ' '
                    || coalesce(author, ''))
    ) STORED""",
    "CREATE INDEX ix_mentions_search_vector ON mentions USING gin (search_vector)",
]


def create_full_text_search() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS:
        op.execute(statement)


def drop_full_text_search() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("mentions_fts_ai", "mentions_fts_ad", "mentions_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS mentions_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_mentions_search_vector")
        op.execute("ALTER TABLE mentions DROP COLUMN IF EXISTS search_vector")
