"""The environment variables that name the database and its passphrase: read by the command's
options before any database is opened, so kept apart from SQLAlchemy."""

DB_ENV = "TURNTOWARD_DB"
PASSPHRASE_ENV = "TURNTOWARD_PASSPHRASE"
