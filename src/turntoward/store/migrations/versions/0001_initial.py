"""people, aliases, conversations, imports and messages

Revision ID: 0001
Revises:
Create Date: 2026-11-25
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
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(length=40), nullable=False),
        sa.Column("identity", sa.String(length=600), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("chat_id", sa.String(length=500), nullable=True),
        sa.Column("relationship", sa.String(length=20), server_default="other", nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("source_format", "identity", name=op.f("uq_conversations_source_format_identity")),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=40), nullable=False),
        sa.Column("imported_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("added", sa.Integer(), server_default="0", nullable=False),
        sa.Column("skipped", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_me", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    # At most one person is "me".
    op.create_index(
        "uq_people_one_me",
        "people",
        ["is_me"],
        unique=True,
        sqlite_where=sa.text("is_me = 1"),
        postgresql_where=sa.text("is_me"),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_aliases_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
        sa.UniqueConstraint("alias", name=op.f("uq_aliases_alias")),
    )
    op.create_index(op.f("ix_aliases_person_id"), "aliases", ["person_id"], unique=False)
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_index", sa.Integer(), nullable=True),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_to_key", sa.BigInteger(), nullable=True),
        sa.Column("edited", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_messages_import_id_imports")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_messages_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("conversation_id", "key", name=op.f("uq_messages_conversation_id_key")),
    )


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_index(op.f("ix_aliases_person_id"), table_name="aliases")
    op.drop_table("aliases")
    op.drop_index("uq_people_one_me", table_name="people")
    op.drop_table("people")
    op.drop_table("imports")
    op.drop_table("conversations")
