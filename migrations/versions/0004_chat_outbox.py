"""The chat outbox: one row per (alert channel, message), claimed with a lease, sent at most once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 23:34:36
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('mention_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('spike_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('covered_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_chat_outbox_mention_id_mentions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['spike_id'], ['spikes.id'], name=op.f('fk_chat_outbox_spike_id_spikes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_outbox')),
    sa.UniqueConstraint('channel', 'kind', 'ref', name=op.f('uq_chat_outbox_channel_kind_ref'))
    )
    with op.batch_alter_table('chat_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_outbox_channel_started_at'), ['channel', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_outbox_mention_id'), ['mention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_outbox_spike_id'), ['spike_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_outbox_status_due_at'), ['status', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('chat_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_outbox_status_due_at'))
        batch_op.drop_index(batch_op.f('ix_chat_outbox_spike_id'))
        batch_op.drop_index(batch_op.f('ix_chat_outbox_mention_id'))
        batch_op.drop_index(batch_op.f('ix_chat_outbox_channel_started_at'))

    op.drop_table('chat_outbox')
