"""IC3/PDR: bit-level IC3 over CaDiCaL (python-sat), split by concern as rIC3 and IC3ref are.

``model`` (bit-blasted system, reductions, the way back to words), ``sat``
(one solver with deadlines), ``frames`` (lemma store and frame solvers),
``lift`` (SAT-based lifting), ``generalize`` (MIC with CTG), ``block``
(proof obligations), ``propagate`` (lemma pushing, fixpoint), ``engine``
(the ``PDR`` engine class).
"""
