"""What the services plugin does when other plugins report changes."""

from platform_services.services import move_client_packages


def follow_client_merge(event):
    """A merge of clients: the duplicate's packages (and their sessions and history) go to the survivor."""
    move_client_packages(event.request.dbsession, event.duplicate_id, event.survivor_id)
