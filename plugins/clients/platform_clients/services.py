"""The clients' rules: matching people, consent timestamps, merging duplicates."""

from sqlalchemy import select

from platform_core.db.mixins import utcnow
from platform_core.errors import Conflict, ValidationFailed
from platform_clients.events import ClientsMerged
from platform_clients.models import CHANNELS, Client

MAX_TAGS = 20

#: Fields a merge copies from the duplicate when the survivor has none.
FILLABLE = ("email", "phone", "date_of_birth", "gender", "preferred_location_id", "last_name")


def stamp_consent(client, values, now=None):
    """Record when each channel's consent was given or withdrawn (only when it changes)."""
    now = now or utcnow()
    for channel in CHANNELS:
        field = f"consent_{channel}"
        if field in values and bool(values[field]) != bool(getattr(client, field)):
            setattr(client, f"{field}_at", now)


def find_or_create_client(dbsession, first_name, last_name="", email=None, phone=None, source="online",
                          consent=None):
    """The business's client with this email or phone, or a new one (for bookings from the public).

    ``phone`` must already be E.164 (validate with ``platform_core.schemas.PhoneNumber``);
    ``consent`` may set only ``consent_email``, ``consent_sms`` and ``consent_whatsapp``.
    An email match wins over a phone match.
    """
    consent = {f"consent_{channel}": bool(consent[f"consent_{channel}"])
               for channel in CHANNELS if f"consent_{channel}" in (consent or {})}
    email = email.strip().lower() if email else None
    client = None
    if email:
        client = dbsession.scalars(select(Client).where(Client.email == email).order_by(Client.created_at)).first()
    if client is None and phone:
        client = dbsession.scalars(select(Client).where(Client.phone == phone).order_by(Client.created_at)).first()
    if client is None and not (email or phone):
        raise ValidationFailed(errors={"email": ["Give an email or a phone number"]})
    if client is None:
        client = Client(first_name=first_name, last_name=last_name, email=email, phone=phone, source=source, tags=[])
        stamp_consent(client, consent)
        for field, value in consent.items():
            setattr(client, field, value)
        dbsession.add(client)
        dbsession.flush()
    return client


def merge_clients(request, survivor, duplicate_id):
    """Fold the duplicate into ``survivor``: its references move, its gaps fill, it is deleted."""
    if duplicate_id == survivor.id:
        raise ValidationFailed.field("duplicate_id", "A client cannot be merged into itself")
    db = request.dbsession
    duplicate = db.get(Client, duplicate_id)
    if duplicate is None:
        raise ValidationFailed.field("duplicate_id", "No such client")
    if duplicate.merged_into_id is not None:
        raise Conflict("That client was already merged")
    copied = {field: getattr(duplicate, field) for field in FILLABLE
              if getattr(survivor, field) in (None, "") and getattr(duplicate, field) not in (None, "")}
    # Free the duplicate's unique values before the survivor takes them.
    duplicate.is_deleted, duplicate.deleted_at, duplicate.deleted_by = True, utcnow(), request.identity.user_id
    duplicate.merged_into_id = survivor.id
    db.flush()
    for field, value in copied.items():
        setattr(survivor, field, value)
    # The survivor's own tags first; the schema's limit of 20 holds after a merge too.
    survivor.tags = list(dict.fromkeys([*survivor.tags, *duplicate.tags]))[:MAX_TAGS]
    if duplicate.notes:
        survivor.notes = "\n\n".join(part for part in (survivor.notes, duplicate.notes) if part)
    db.flush()
    request.registry.notify(ClientsMerged(
        request, survivor.business_id, request.identity.user_id, survivor.id, duplicate.id))
    return survivor


