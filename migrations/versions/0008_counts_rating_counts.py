"""counts kept beside the ratings: rating_counts and cycle_raters, and the triggers that keep them

Revision ID: 5c0a7e11d0c5
Revises: 0007_copies
Create Date: 2026-12-01 12:40:00

The tables are filled from the ratings already stored, inside the migration: no chart reads
the ratings after this revision.
"""
from alembic import op
import sqlalchemy as sa

from rating.cycles.counts import create_trigger_statements, drop_trigger_statements
from rating.cycles.recount import recount_statements

# revision identifiers, used by Alembic.
revision = '5c0a7e11d0c5'
down_revision = '0007_copies'
branch_labels = None
depends_on = None

COUNTS = ('ratings', *(f'score_{score}' for score in range(1, 11)),
          *(f'{question}_{answer}' for question in ('respect', 'work_done')
            for answer in ('yes', 'partly', 'no')))


def _count(name):
    return sa.Column(name, sa.Integer(), server_default='0', nullable=False)


def upgrade():
    op.create_table('rating_counts',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), autoincrement=False, nullable=False),
    *(_count(name) for name in COUNTS),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_rating_counts_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_rating_counts_office_id_offices')),
    sa.PrimaryKeyConstraint('cycle_id', 'office_id', 'collective_id', name=op.f('pk_rating_counts')),
    sqlite_with_rowid=False,
    )
    op.create_table('cycle_raters',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('rater_key', sa.String(length=64), nullable=False),
    sa.Column('collective_id', sa.Integer(), autoincrement=False, nullable=False),
    _count('ratings'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_cycle_raters_cycle_id_cycles')),
    sa.PrimaryKeyConstraint('cycle_id', 'rater_key', 'collective_id', name=op.f('pk_cycle_raters')),
    sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    for statement in recount_statements():
        op.execute(statement)
    for statement in create_trigger_statements(dialect):
        op.execute(statement)


def downgrade():
    for statement in drop_trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('cycle_raters')
    op.drop_table('rating_counts')
