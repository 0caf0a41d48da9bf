"""Schemas of the module routes."""

import colander

from platform_core.schemas import StrictBoolean


class ModuleSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    title = colander.SchemaNode(colander.String())
    version = colander.SchemaNode(colander.String())
    description = colander.SchemaNode(colander.String())
    depends = colander.SchemaNode(colander.List(), description="plugin names, with version specifiers")
    enabled = colander.SchemaNode(colander.Boolean(), description="for the active business")


class Names(colander.SequenceSchema):
    name = colander.SchemaNode(colander.String())


class EnableResult(colander.MappingSchema):
    module = ModuleSchema()
    enabled = Names(description="switched on by this call, dependencies first")


class DisableResult(colander.MappingSchema):
    module = ModuleSchema()
    disabled = Names(description="switched off by this call")


class DisableQuery(colander.MappingSchema):
    cascade = colander.SchemaNode(StrictBoolean(), missing=False,
                                  description="also disable the enabled modules that depend on this one")


def settings_body():
    """Free-form here; each plugin's own settings schema validates it."""
    return colander.SchemaNode(colander.Mapping(unknown="preserve"), description="the plugin's settings")
