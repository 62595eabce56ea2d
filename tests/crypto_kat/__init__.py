"""Drivers for the golden-model conformance tests (tests/test_crypto_kat.py).

One module per core: ``reset(dut, bench)`` and ``drive(dut, bench, inputs)``
run inside Icarus (through ``hwverify.cosim.conformance_tb``) and speak the
core's own interface; ``vectors.py`` holds the known-answer vectors of the
standards and the random-vector generators, shared by the cores that
implement the same algorithm.
"""
