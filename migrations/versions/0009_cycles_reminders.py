"""reminders: staff e-mail addresses, a daily digest they can turn off, the digests sent

users.email and users.daily_digest (on unless the person turns it off); reminder_digests holds
one row per person and day, the "at most one e-mail a day" rule.

Revision ID: 0009_cycles_reminders
Revises: 5c0a7e11d0c5
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_cycles_reminders'
down_revision = '5c0a7e11d0c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('daily_digest', sa.Boolean(), nullable=False,
                                      server_default=sa.text('true')))
    op.create_table('reminder_digests',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'sent_on', name=op.f('pk_reminder_digests'))
    )


def downgrade():
    op.drop_table('reminder_digests')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('daily_digest')
        batch_op.drop_column('email')
