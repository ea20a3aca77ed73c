"""jobs with leases, files stored in the database, packs built as jobs, cycles that follow
their dates, scans and voice clips that may live in S3

Packs lose their own progress (the job has it) and gain the job and the stored file's key.
Zips built before this migration, in instance/packs/, are copied into stored_files; a pack
whose zip is not there any more becomes "expired" (build it again).

Revision ID: 0005_jobs
Revises: c7ee41390f12
Create Date: 2026-12-01 12:40:00

"""
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0005_jobs'
down_revision = 'c7ee41390f12'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'building', 'done', 'failed')"
NEW_STATUSES = "status IN ('queued', 'building', 'done', 'failed', 'expired')"


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=60), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_jobs_status_known')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_jobs_progress_range')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_jobs_attempts_counted')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_lease_until', ['status', 'lease_until'], unique=False)

    op.create_table('stored_files',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files'))
    )

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_dates', sa.Boolean(), server_default=sa.text('false'), nullable=False))

    with op.batch_alter_table('packs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_key', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_packs_job_id_jobs'), 'jobs', ['job_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_packs_progress_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_packs_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_packs_status_known'), NEW_STATUSES)
        batch_op.drop_column('progress')
        batch_op.drop_column('stage')

    # Scans and voice clips stay in their rows with FILE_STORAGE=database; with s3 the row
    # holds the object's key instead of the bytes.
    with op.batch_alter_table('action_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_key', sa.String(length=200), nullable=True))
    with op.batch_alter_table('voice_prompts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audio_key', sa.String(length=200), nullable=True))
        batch_op.alter_column('audio', existing_type=sa.LargeBinary(), nullable=True)

    _carry_old_zips()


def _carry_old_zips():
    """Zips from instance/packs/ into stored_files; packs without one left become expired."""
    connection = op.get_bind()
    folder = Path(current_app.instance_path) / "packs"
    packs = connection.execute(sa.text(
        "SELECT id, file_name FROM packs WHERE status = 'done'")).all()
    for pack_id, file_name in packs:
        path = folder / (file_name or "")
        if file_name and path.is_file():
            key = f"packs/{pack_id}/before-jobs/{file_name}"
            data = path.read_bytes()
            connection.execute(sa.text(
                "INSERT INTO stored_files (key, content_type, size, data, stored_at) "
                "VALUES (:key, 'application/zip', :size, :data, CURRENT_TIMESTAMP)"),
                {"key": key, "size": len(data), "data": data})
            connection.execute(sa.text("UPDATE packs SET file_key = :key WHERE id = :id"),
                               {"key": key, "id": pack_id})
        else:
            connection.execute(sa.text("UPDATE packs SET status = 'expired' WHERE id = :id"),
                               {"id": pack_id})
    # A pack still queued or building has no job to finish it: it failed (build it again).
    connection.execute(sa.text(
        "UPDATE packs SET status = 'failed', error = 'interrupted' "
        "WHERE status IN ('queued', 'building')"))


def downgrade():
    # Zips stored in the database are not written back to disk: packs lose their files.
    op.execute("UPDATE packs SET status = 'failed', error = 'interrupted' WHERE status = 'expired'")
    with op.batch_alter_table('packs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('progress', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(op.f('ck_packs_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_packs_status_known'), OLD_STATUSES)
        batch_op.create_check_constraint(op.f('ck_packs_progress_range'), 'progress BETWEEN 0 AND 100')
        batch_op.drop_constraint(batch_op.f('fk_packs_job_id_jobs'), type_='foreignkey')
        batch_op.drop_column('file_key')
        batch_op.drop_column('job_id')

    with op.batch_alter_table('voice_prompts', schema=None) as batch_op:
        batch_op.drop_column('audio_key')
        batch_op.alter_column('audio', existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table('action_responses', schema=None) as batch_op:
        batch_op.drop_column('scan_key')

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_column('follows_dates')

    op.drop_table('stored_files')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_lease_until')
    op.drop_table('jobs')
