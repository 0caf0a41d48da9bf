"""Revisions of the ``services`` branch."""
