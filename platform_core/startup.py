"""Keeping what startup built out of the garbage collector's passes.

Building the app (every plugin's modules, the SQLAlchemy metadata, the
routes, the OpenAPI document) leaves some 160,000 objects the collector
tracks, and they live as long as the process. A full collection walks every
tracked object: measured in-process, one in some 6,000 creates stopped
every thread for about 100 ms to walk them again (docs/performance.md,
session 7). ``gc.freeze()`` moves them to the permanent generation, which
no pass visits; what requests create later is collected as before.
"""

import gc


def freeze_startup_objects():
    """Collect startup's garbage, then freeze what is left (call once the app is built)."""
    gc.collect()
    gc.freeze()
