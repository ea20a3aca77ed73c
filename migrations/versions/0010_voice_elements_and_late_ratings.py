"""voice clips for every element of the leaders' pages; a count of ratings that came late

Voice prompts were limited to the five questions; now any element a leader must understand
has one (answers, score ends, buttons, messages, offices), marked synthetic when made by
espeak-ng. late_rating_counts keeps, per cycle, how many ratings arrived after it closed: a
count only, never the rating.

Revision ID: 0010_voice
Revises: 0009_cycles_reminders
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_voice'
down_revision = '0009_cycles_reminders'
branch_labels = None
depends_on = None

QUESTIONS = ('score', 'purpose', 'respect', 'resolved', 'comment')
# The elements as this revision knows them (rating.voice.elements then); a new element needs
# a new revision.
ELEMENT_KEYS = (
    'score', 'purpose', 'respect', 'resolved', 'comment',
    'purpose.housing', 'purpose.compensation', 'purpose.legal_case', 'purpose.livelihood', 'purpose.child_protection', 'purpose.health', 'purpose.documents', 'purpose.other',
    'answer.yes', 'answer.partly', 'answer.no', 'score.low', 'score.high',
    'button.rate', 'button.save', 'button.another', 'button.home', 'button.dismiss',
    'message.saved', 'message.waiting', 'message.refused', 'message.office_gone')


def upgrade():
    with op.batch_alter_table('voice_prompts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_voice_prompts_question_known'), type_='check')
        batch_op.alter_column('question', existing_type=sa.String(length=16),
                              type_=sa.String(length=40), existing_nullable=False)
        batch_op.add_column(sa.Column('synthetic', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_voice_prompts_element_known'),
            f"question IN {ELEMENT_KEYS!r} OR question LIKE 'office.%'")
    op.create_table('late_rating_counts',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('ratings >= 0', name=op.f('ck_late_rating_counts_not_negative')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_late_rating_counts_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cycle_id', name=op.f('pk_late_rating_counts'))
    )


def downgrade():
    op.drop_table('late_rating_counts')
    op.execute(sa.text(f"DELETE FROM voice_prompts WHERE question NOT IN {QUESTIONS!r}"))
    with op.batch_alter_table('voice_prompts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_voice_prompts_element_known'), type_='check')
        batch_op.drop_column('synthetic')
        batch_op.alter_column('question', existing_type=sa.String(length=40),
                              type_=sa.String(length=16), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_voice_prompts_question_known'),
                                         f"question IN {QUESTIONS!r}")
