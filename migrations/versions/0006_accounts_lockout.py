"""accounts: wrong tries counted per way into an account; who knows each PIN

The per-account failure count and lock (users.failed_logins, users.locked_until) let anyone
lock anyone out; they give way to login_throttles, counted per login typed on unknown phones
and per phone that has logged in before (device cookies). users.secret_state records whether
a PIN was issued by someone else and whether it has been used since.

Revision ID: 0006_accounts
Revises: 0005_jobs
Create Date: 2026-12-01 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_accounts'
down_revision = '0005_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('door', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('failures >= 0', name=op.f('ck_login_throttles_failures_nonnegative')),
    sa.PrimaryKeyConstraint('door', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_failed_logins_nonnegative'), type_='check')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')
        batch_op.add_column(sa.Column('secret_state', sa.String(length=8), nullable=False,
                                      server_default='issued'))
        batch_op.create_check_constraint(
            op.f('ck_users_secret_state_known'), "secret_state IN ('issued', 'used', 'own')")
    # Accounts that have logged in used their issued PIN already.
    op.execute("UPDATE users SET secret_state = 'used' WHERE last_login_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_secret_state_known'), type_='check')
        batch_op.drop_column('secret_state')
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_check_constraint(op.f('ck_users_failed_logins_nonnegative'), 'failed_logins >= 0')
    op.drop_table('login_throttles')
