"""Differential random testing of every layer (``hwverify fuzz``).

Generators (``gen_terms``, ``gen_systems``, ``gen_verilog``) make random term DAGs,
transition systems and Verilog designs; each layer's oracle (``oracle_terms``,
``oracle_engines``, ``oracle_frontends``)
checks one case against independent implementations; ``shrink`` reduces a
failing case; ``campaign`` runs, shrinks and saves reproducers under
``.hwverify/fuzz/``.
"""
from hwverify.fuzz.campaign import LAYERS, Summary, available_layers, replay, run_campaign

__all__ = ["LAYERS", "Summary", "available_layers", "replay", "run_campaign"]
