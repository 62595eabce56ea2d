"""Random term DAGs and values for tests: moved to ``hwverify.fuzz.gen_terms``.

Kept as a thin re-export so existing tests (and hypothesis strategies) keep
importing from here; the fuzzer (``hwverify fuzz``) uses the same generator.
"""
from hwverify.fuzz.gen_terms import *  # noqa: F401,F403
from hwverify.fuzz.gen_terms import __all__  # noqa: F401
