"""Test kit (see plugin.py)."""
