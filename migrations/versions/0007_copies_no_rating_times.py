"""no rating times, random rating ids: a database copy links no rating to a login

Ratings lose created_at and updated_at, submissions lose created_at, their numeric id and the
"saved_at" in the answer they keep; rating ids become random 64-bit numbers (existing ratings
are given new ones, in a random order) and submissions are keyed by their random submission
id (on SQLite without a rowid). Without it, the audit trail's login times lined up with the
ratings' microsecond times, and the ids' order with the order of logins.

Revision ID: 0007_copies
Revises: 0006_accounts
Create Date: 2026-12-01 12:40:00

"""
import json
import random

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_copies'
down_revision = '0006_accounts'
branch_labels = None
depends_on = None

RATING_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# New ids for existing ratings lie above every id the old counter can have given, so that
# renumbering one never collides with another not yet renumbered.
FIRST_NEW_ID, ID_LIMIT = 2**32, 2**53
_random = random.SystemRandom()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _take_submissions(bind):
    rows = bind.execute(sa.text(
        "SELECT submission_id, rater_key, rating_id, response FROM rating_submissions")).all()
    with op.batch_alter_table('rating_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_submissions_rating_id'))
    op.drop_table('rating_submissions')
    return rows


def _renumber(bind, new_id_of):
    """Give every rating the id ``new_id_of(old)``, in a random order (on PostgreSQL the rows'
    new versions land in the heap in that order), and follow it in the audit trail."""
    old_ids = list(bind.execute(sa.text("SELECT id FROM ratings")).scalars())
    _random.shuffle(old_ids)
    mapping = {old: new_id_of(old) for old in old_ids}
    if mapping:
        bind.execute(sa.text("UPDATE ratings SET id = :new WHERE id = :old"),
                     [{"new": new, "old": old} for old, new in mapping.items()])
        bind.execute(sa.text("UPDATE audit_events SET target_id = :new "
                             "WHERE target_type = 'rating' AND target_id = :old"),
                     [{"new": new, "old": old} for old, new in mapping.items()])
    return mapping


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    submissions = _take_submissions(bind)

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('created_at')
        batch_op.drop_column('updated_at')
    if postgresql:
        op.alter_column('ratings', 'id', existing_type=sa.Integer(), type_=sa.BigInteger(),
                        existing_nullable=False)
        op.execute("ALTER TABLE ratings ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS ratings_id_seq")
        op.alter_column('audit_events', 'target_id', existing_type=sa.Integer(),
                        type_=sa.BigInteger(), existing_nullable=True)

    taken = set()

    def random_id(_old):
        while True:
            new = _random.randrange(FIRST_NEW_ID, ID_LIMIT)
            if new not in taken:
                taken.add(new)
                return new

    mapping = _renumber(bind, random_id)

    table = op.create_table(
        'rating_submissions',
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('rater_key', sa.String(length=64), nullable=False),
        sa.Column('rating_id', RATING_KEY, nullable=False),
        sa.Column('response', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'],
                                name=op.f('fk_rating_submissions_rating_id_ratings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_rating_submissions')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('rating_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_submissions_rating_id'), ['rating_id'],
                              unique=False)
    rows = []
    for row in sorted(submissions, key=lambda r: r.submission_id):  # random, not arrival order
        response = {k: v for k, v in (_json(row.response) or {}).items() if k != "saved_at"}
        rows.append({"submission_id": row.submission_id, "rater_key": row.rater_key,
                     "rating_id": mapping[row.rating_id], "response": response})
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    submissions = _take_submissions(bind)

    # Back to a counter: 1, 2, ... in the order of the random ids (which says nothing), after
    # moving every id out of the way (negative) so that none collides on the way.
    bind.execute(sa.text("UPDATE ratings SET id = -id"))
    bind.execute(sa.text("UPDATE audit_events SET target_id = -target_id "
                         "WHERE target_type = 'rating'"))
    old_ids = sorted(bind.execute(sa.text("SELECT id FROM ratings")).scalars(), reverse=True)
    ordinal = {old: number for number, old in enumerate(old_ids, start=1)}
    mapping = _renumber(bind, ordinal.__getitem__)
    if postgresql:
        op.alter_column('audit_events', 'target_id', existing_type=sa.BigInteger(),
                        type_=sa.Integer(), existing_nullable=True)
        op.alter_column('ratings', 'id', existing_type=sa.BigInteger(), type_=sa.Integer(),
                        existing_nullable=False)
        op.execute("CREATE SEQUENCE ratings_id_seq OWNED BY ratings.id")
        op.execute("SELECT setval('ratings_id_seq', (SELECT COALESCE(MAX(id), 0) + 1 "
                   "FROM ratings), false)")
        op.execute("ALTER TABLE ratings ALTER COLUMN id SET DEFAULT nextval('ratings_id_seq')")

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.func.current_timestamp()))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.func.current_timestamp()))
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.alter_column('created_at', server_default=None)
        batch_op.alter_column('updated_at', server_default=None)

    table = op.create_table(
        'rating_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('rater_key', sa.String(length=64), nullable=False),
        sa.Column('rating_id', sa.Integer(), nullable=False),
        sa.Column('response', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.current_timestamp()),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'],
                                name=op.f('fk_rating_submissions_rating_id_ratings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_submissions')),
        sa.UniqueConstraint('submission_id', name=op.f('uq_rating_submissions_submission_id')),
    )
    rows = [{"submission_id": row.submission_id, "rater_key": row.rater_key,
             "rating_id": mapping[-row.rating_id], "response": _json(row.response)}
            for row in submissions]
    if rows:
        op.bulk_insert(table, rows)
    with op.batch_alter_table('rating_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_submissions_rating_id'), ['rating_id'],
                              unique=False)
        batch_op.alter_column('created_at', server_default=None)
