"""colander types and nodes shared by the core and every plugin."""

import uuid

import colander

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


class StrictBoolean(colander.Boolean):
    """A boolean that refuses values it does not recognise.

    colander's own Boolean reads any unknown string as true, so
    ``?include_deleted=perhaps`` would switch an option on.
    """

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if isinstance(cstruct, bool):
            return cstruct
        value = str(cstruct).strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise colander.Invalid(node, "Must be true or false")


class UUIDString(colander.String):
    """An object id: a UUID in, a ``uuid.UUID`` out; anything else is "Not a valid id"."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        try:
            return uuid.UUID(value)
        except ValueError:
            raise colander.Invalid(node, "Not a valid id") from None
