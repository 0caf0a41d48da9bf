"""colander schemas as OpenAPI 3.0 schema objects.

The colander schemas that validate requests (and describe ``data``) are the
only description of a route's fields, so the document is derived from them
rather than written twice. Mapping schema classes of the platform and its
plugins become named components (``ProductSchema`` -> ``Product``) that every
operation references; colander's own anonymous nodes, and instances changed
after construction (a PATCH body whose fields were all made optional), are
inlined, so a name always means the class as declared.

A custom colander type can describe itself with an ``__openapi__`` dict
(``class Money(colander.SchemaType): __openapi__ = {"type": "string"}``); an
unknown type without one is documented as "any value" with a note, never
an error.
"""

import datetime
import decimal
import enum
import hashlib
import json

import colander

#: Money and other decimals travel as strings (api-contract.md: "Money is a decimal string").
DECIMAL_SCHEMA = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$", "example": "12.50"}

#: Scalar types, most specific first (``Integer`` and ``Decimal`` are ``Number``\ s).
_SCALARS = (
    (colander.Boolean, {"type": "boolean"}),
    (colander.Integer, {"type": "integer"}),
    (colander.Decimal, DECIMAL_SCHEMA),
    (colander.Number, {"type": "number"}),
    (colander.DateTime, {"type": "string", "format": "date-time"}),
    (colander.Date, {"type": "string", "format": "date"}),
    (colander.Time, {"type": "string", "format": "time"}),
    (colander.String, {"type": "string"}),
    (colander.GlobalObject, {"type": "string", "description": "A dotted Python name."}),
)

_REF_PREFIX = "#/components/schemas/"
_UNSET = object()


class SchemaConverter:
    """Converts colander nodes and collects the named components they use.

    One converter serves one document: :meth:`convert` may be called for any
    number of nodes, then :meth:`components` names the collected schemas and
    fixes every reference to them.
    """

    def __init__(self):
        self._components = {}  # token -> (schema class, schema)
        self._references = []  # (token, the {"$ref": ...} dict to fix)
        self._declared = {}  # schema class -> its shape as declared, or None

    def convert(self, node):
        """The schema object of ``node`` (a colander schema instance)."""
        schema = self._type_schema(node)
        keywords = _node_keywords(node)
        constraints = _validator_keywords(node.validator, schema)
        # The node's own words first, then what its type and validators add.
        notes = [part.pop("description", None) for part in (keywords, schema, constraints)]
        keywords.update(constraints)
        if any(notes):
            keywords["description"] = "\n\n".join(filter(None, notes))
        if "$ref" in schema:
            # Returned as is: components() fixes this very dict. OpenAPI 3.0
            # ignores the siblings of a $ref, so keywords need an allOf.
            return {"allOf": [schema], **keywords} if keywords else schema
        return {**schema, **keywords}

    def components(self, reserved=()):
        """Every named schema met so far, with stable unique names.

        A class is named after itself without a ``Schema`` suffix; when two
        different schemas would share a name, or the name is ``reserved`` (the
        contract's own components), each is qualified by its module (and, for
        one class with several shapes, by a short content hash), so names
        depend only on the loaded code, never on the order of routes.
        """
        names = _component_names(self._components, reserved)
        for token, reference in self._references:
            reference["$ref"] = _REF_PREFIX + names[token]
        return {names[token]: self._components[token][1] for token in sorted(names, key=names.get)}

    def _type_schema(self, node):
        typ = node.typ
        own = getattr(typ, "__openapi__", None)
        if own is not None:
            return dict(own)
        if isinstance(typ, colander.Mapping):
            return self._mapping(node)
        if isinstance(typ, colander.Sequence):
            return {"type": "array", "items": self.convert(node.children[0]) if node.children else {}}
        if isinstance(typ, colander.Tuple):
            return {
                "type": "array",
                "items": {"anyOf": [self.convert(child) for child in node.children]},
                "minItems": len(node.children),
                "maxItems": len(node.children),
            }
        if isinstance(typ, (colander.Set, colander.List)):
            return {"type": "array", "uniqueItems": isinstance(typ, colander.Set)}
        if isinstance(typ, colander.Enum):
            return _enum(typ)
        return _scalar(typ)

    def _mapping(self, node):
        schema = self._object(node)
        cls = type(node)
        if cls.__module__.split(".")[0] == "colander" or not self._as_declared(cls, schema):
            return schema
        return self._reference(cls, schema)

    def _object(self, node):
        properties = {child.name: self.convert(child) for child in node.children}
        schema = {"type": "object", "properties": properties}
        required = [child.name for child in node.children if child.required]
        if required:
            schema["required"] = required
        if node.typ.unknown == "preserve":
            schema["additionalProperties"] = True
        elif node.typ.unknown == "raise":
            schema["additionalProperties"] = False
        doc = type(node).__dict__.get("__doc__")
        if doc:
            schema = {"description": doc.strip(), **schema}
        return schema

    def _as_declared(self, cls, schema):
        """Whether ``schema`` is the shape of a fresh ``cls()``.

        A class that cannot be built without arguments has no declared shape
        to compare with; its instances are named (and told apart by hash).
        """
        if cls not in self._declared:
            try:
                # A scratch converter: only the shape matters, not its components.
                declared = SchemaConverter()._object(cls())
            except Exception:
                declared = None
            self._declared[cls] = declared
        declared = self._declared[cls]
        return declared is None or _canonical_json(declared) == _canonical_json(schema)

    def _reference(self, cls, schema):
        # The token identifies class and content: the same class used twice is
        # one component, nested references included (they are tokens too here).
        identity = _canonical_json([cls.__module__, cls.__qualname__, schema])
        token = hashlib.sha256(identity.encode()).hexdigest()[:16]
        self._components.setdefault(token, (cls, schema))
        reference = {"$ref": token}
        self._references.append((token, reference))
        return reference


def _canonical_json(value):
    return json.dumps(value, sort_keys=True)


def _component_names(components, reserved):
    by_base = {}
    for token, (cls, _schema) in components.items():
        base = cls.__name__.removesuffix("Schema") or cls.__name__
        by_base.setdefault(base, []).append(token)
    names = {}
    for base, tokens in by_base.items():
        if len(tokens) == 1 and base not in reserved:
            names[tokens[0]] = base
            continue
        qualified = {token: f"{components[token][0].__module__}.{base}" for token in tokens}
        for token, name in qualified.items():
            shared = list(qualified.values()).count(name) > 1
            names[token] = f"{name}.{token[:8]}" if shared else name
    return names


def _scalar(typ):
    for colander_type, schema in _SCALARS:
        if isinstance(typ, colander_type):
            return dict(schema)
    return {"description": f"Any value (its colander type {type(typ).__name__} does not describe itself)."}


def _enum(typ):
    schema = _scalar(typ.typ)
    schema["enum"] = _json_values(typ.values)
    return schema


def _validator_keywords(validator, schema):
    """What a validator adds to ``schema``; validators JSON Schema cannot say add nothing."""
    if validator is None or isinstance(validator, colander.deferred) or isinstance(validator, colander.Any):
        return {}
    if isinstance(validator, colander.All):
        keywords = {}
        for each in validator.validators:
            keywords.update(_validator_keywords(each, {**schema, **keywords}))
        return keywords
    kind = schema.get("type")
    if isinstance(validator, colander.Length):
        prefix = "Items" if kind == "array" else "Length"
        bounds = {f"min{prefix}": validator.min, f"max{prefix}": validator.max}
        return {key: value for key, value in bounds.items() if value is not None}
    if isinstance(validator, colander.Range):
        return _range_keywords(validator, schema)
    if isinstance(validator, colander.OneOf):
        return {"enum": _json_values(validator.choices)}
    if isinstance(validator, colander.NoneOf):
        return {"not": {"enum": _json_values(validator.forbidden)}}
    if isinstance(validator, colander.ContainsOnly):
        return {"items": {**schema.get("items", {}), "enum": _json_values(validator.choices)}}
    if isinstance(validator, colander.Email):
        return {"format": "email"}
    if validator is colander.url:
        return {"format": "uri"}
    if validator is colander.uuid:
        return {"format": "uuid"}
    if isinstance(validator, colander.Regex) and isinstance(validator.match_object.pattern, str):
        return {"pattern": validator.match_object.pattern}
    return {}


def _range_keywords(validator, schema):
    bounds = {"minimum": validator.min, "maximum": validator.max}
    if schema.get("type") in ("integer", "number"):
        return {key: _number(value) for key, value in bounds.items() if value is not None}
    # Decimal strings and dates cannot carry numeric bounds: say them in words.
    words = [f"{key} {_json_value(value)}" for key, value in bounds.items() if value is not None]
    return {"description": ", ".join(words).capitalize() + "."} if words else {}


def _node_keywords(node):
    keywords = {}
    title = node.title
    if isinstance(title, str) and title and title != node.name.replace("_", " ").title():
        keywords["title"] = title
    if node.description:
        keywords["description"] = str(node.description)
    if node.missing is None:
        keywords["nullable"] = True
    default = _concrete(node.missing)
    if default is _UNSET:
        default = _concrete(node.default)
    if default is not _UNSET:
        keywords["default"] = default
    example = _json_value(getattr(node, "example", _UNSET))
    if example is not _UNSET:
        keywords["example"] = example
    return keywords


def _concrete(value):
    if any(value is marker for marker in (colander.required, colander.drop, colander.null, None)):
        return _UNSET
    return _json_value(value)


def _json_values(values):
    return [value for value in map(_json_value, values) if value is not _UNSET]


def _number(value):
    return int(value) if isinstance(value, int) else float(value)


def _json_value(value):
    """``value`` as the platform's JSON renderer would write it, or ``_UNSET``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return _json_value(value.value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        items = [_json_value(item) for item in value]
        return _UNSET if any(item is _UNSET for item in items) else items
    if isinstance(value, dict):
        items = {str(key): _json_value(item) for key, item in value.items()}
        return _UNSET if any(item is _UNSET for item in items.values()) else items
    return _UNSET
