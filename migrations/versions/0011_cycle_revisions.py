"""a revision per cycle, bumped by triggers when a closed cycle's ratings change

What is computed from closed cycles' ratings row by row (the overview's leader-adjusted
comparison) is kept while their revisions stand (rating.cycles.revisions).

Revision ID: 0011_revisions
Revises: 0010_voice
Create Date: 2026-12-01 19:30:00

"""
from alembic import op
import sqlalchemy as sa

from rating.cycles.revisions import (
    create_revision_trigger_statements,
    drop_revision_trigger_statements,
)

# revision identifiers, used by Alembic.
revision = '0011_revisions'
down_revision = '0010_voice'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cycle_revisions',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_cycle_revisions_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cycle_id', name=op.f('pk_cycle_revisions'))
    )
    for statement in create_revision_trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_revision_trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('cycle_revisions')
