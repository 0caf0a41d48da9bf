"""Auditing: audit fields and audit-log rows written by the flush, and the log's route."""


def includeme(config):
    # Importing the recorder registers its flush listener on the platform's session class.
    import platform_core.audit.recorder  # noqa: F401

    config.scan("platform_core.audit.views")
