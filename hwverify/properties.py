"""Properties from outside the RTL, as a Python API (re-exported from the frontend).

``parse_property(text, system)`` turns an expression over hierarchical signal
names into a 1-bit term; ``add_properties(system, asserts=..., assumes=...,
covers=...)`` attaches them, as the CLI's ``--assert``/``--assume``/``--cover`` do.
"""
from hwverify.frontend.properties import add_properties, add_property, parse_property

__all__ = ["add_properties", "add_property", "parse_property"]
