"""cocotb test module for bench/cosim_speed.py: the cosim driving loop without the model.

Same timing and handles as ``hwverify.cosim.lockstep`` (inputs at 10k ns,
read every register and output at 10k+5, clock edge), random inputs, no
evaluator and no comparison: the cost of cocotb + Icarus alone.
"""
import random
import time

import cocotb

from hwverify.cosim.common import CosimConfig, read, write_result
from hwverify.cosim.lockstep import Harness


@cocotb.test()
async def drive_only(dut):
    cfg = CosimConfig.load()
    h = Harness(dut, cfg)
    rng = random.Random(cfg.seed)
    seq = [{n: rng.getrandbits(w) for n, w, _ in h.inputs} for _ in range(cfg.cycles)]
    t0 = time.perf_counter()
    for values in seq:
        await h.drive(values)
        for _, handle in h.compared:
            read(handle)
        for _, _, handle in h.words:
            read(handle)
        await h.edge()
    write_result(cfg, {"status": "pass", "cycles": cfg.cycles, "seconds": time.perf_counter() - t0})
