"""colander types and nodes shared by the core and every plugin."""

import decimal
import uuid

import colander
import phonenumbers

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


class Money(colander.Decimal):
    """An amount of money: a decimal string in and out (``"12.50"``), never a float.

    Two decimal places; more is a field error rather than a silent rounding.
    At most ``maximum`` (what a ``Numeric(12, 2)`` column holds by default);
    NaN and infinities are refused.
    """

    def __init__(self, maximum=decimal.Decimal("9999999999.99")):
        super().__init__(quant="0.01", rounding=decimal.ROUND_HALF_EVEN, normalize=False)
        self.maximum = maximum

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, float):
            raise colander.Invalid(node, "Send money as a decimal string such as \"12.50\"")
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        if not value.is_finite():
            raise colander.Invalid(node, "Must be a number")
        if decimal.Decimal(str(cstruct)).as_tuple().exponent < -2:
            raise colander.Invalid(node, "At most two decimal places")
        if abs(value) > self.maximum:
            raise colander.Invalid(node, f"Must be at most {self.maximum}")
        return value


class PhoneNumber(colander.String):
    """A phone number, stored in E.164 (``+351912345678``); invalid numbers are field errors.

    Numbers without a country code are read in ``default_region`` (ISO 3166
    alpha-2), which a plugin takes from the business or a setting.
    """

    def __init__(self, default_region=None):
        super().__init__()
        self.default_region = default_region

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value in (colander.null, ""):
            return value
        try:
            parsed = phonenumbers.parse(value, self.default_region)
        except phonenumbers.NumberParseException:
            raise colander.Invalid(node, "Not a phone number; include the country code, e.g. +351...") from None
        if not phonenumbers.is_valid_number(parsed):
            raise colander.Invalid(node, "Not a valid phone number")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class Tags(colander.SequenceSchema):
    """Labels: trimmed, lower-cased, without duplicates or commas, at most 20 of 40 characters."""

    tag = colander.SchemaNode(
        colander.String(), validator=colander.All(colander.Length(min=1, max=40), colander.Regex(r"^[^,]+$")),
        preparer=lambda value: value.strip().lower() if isinstance(value, str) else value,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validator", colander.Length(max=20))
        kwargs.setdefault("preparer", lambda values: list(dict.fromkeys(values)) if isinstance(values, list) else values)
        super().__init__(*args, **kwargs)


def invalid_field(node, field, message):
    """The Invalid a mapping validator raises to blame one of its fields.

    ``colander.Invalid(node[field], ...)`` raised from a mapping's validator
    loses the path to the field; this keeps it (``body.date_to``).
    """
    error = colander.Invalid(node)
    error[field] = message
    return error


class CurrencyCode(colander.String):
    """A 3-letter ISO 4217 currency code (``EUR``); lower case is accepted and upper-cased."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        value = value.strip().upper()
        if len(value) != 3 or not value.isascii() or not value.isalpha():
            raise colander.Invalid(node, "A 3-letter ISO 4217 code such as EUR")
        return value
