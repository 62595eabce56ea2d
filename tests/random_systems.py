"""Small random transition systems: moved to ``hwverify.fuzz.gen_systems``."""
from hwverify.fuzz.gen_systems import random_system  # noqa: F401

__all__ = ["random_system"]
