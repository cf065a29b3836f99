"""Saved assessments and consents.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_code", sa.String(length=16), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_assessments")),
        sa.UniqueConstraint("reference_code", name=op.f("uq_saved_assessments_reference_code")),
    )
    op.create_index(op.f("ix_saved_assessments_sender_hash"), "saved_assessments", ["sender_hash"])
    op.create_index(op.f("ix_saved_assessments_created_at"), "saved_assessments", ["created_at"])

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("notice_version", sa.String(length=64), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_sender_hash"), "consents", ["sender_hash"])
    op.create_index(op.f("ix_consents_consented_at"), "consents", ["consented_at"])


def downgrade() -> None:
    op.drop_table("consents")
    op.drop_table("saved_assessments")
