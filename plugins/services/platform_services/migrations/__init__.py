"""The services plugin's alembic branch (label ``services``)."""
