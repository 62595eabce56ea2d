# Adapted from Amaranth HDL's own test suite: tests/test_lib_coding.py (ReversibleSpec,
# HammingDistanceSpec and GrayCoderTestCase), amaranth-lang/amaranth v0.5.8,
# https://github.com/amaranth-lang/amaranth/blob/v0.5.8/tests/test_lib_coding.py
#
# Copyright (C) 2019-2023 Amaranth HDL contributors
#
# Redistribution and use in source and binary forms, with or without modification,
# are permitted provided that the following conditions are met:
#
# 1. Redistributions of source code must retain the above copyright notice, this
#    list of conditions and the following disclaimer.
# 2. Redistributions in binary form must reproduce the above copyright notice,
#    this list of conditions and the following disclaimer in the documentation
#    and/or other materials provided with the distribution.
#
# THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
# ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
# WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
# DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE FOR
# ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
# (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
# LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
# ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
# (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
# SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""Amaranth's Gray-code specs (combinational, ``mode="prove"`` in Amaranth's tests).

``GrayReversible``: decoding the encoding gives the input back, for every
16-bit input; ``GrayDistance``: consecutive inputs encode to words one bit
apart. Their ports are the spec's ``Signal`` attributes, as Amaranth passed
them (``[spec.i]``, ``[spec.i1, spec.i2]``). The buggy variants use a decoder
that forgets the top bit's feedback (``GrayDecoderBug``) and an encoder that
passes binary through (``BinaryEncoderBug``): both fail in step 0.
"""
import warnings

from amaranth.hdl import *

with warnings.catch_warnings():
    warnings.filterwarnings(action="ignore", category=DeprecationWarning)
    from amaranth.lib.coding import GrayDecoder, GrayEncoder

HWVERIFY = {"mode": "prove", "depth": 1, "expect": "pass"}


class ReversibleSpec(Elaboratable):
    def __init__(self, encoder_cls, decoder_cls, i_width, args):
        self.encoder_cls = encoder_cls
        self.decoder_cls = decoder_cls
        self.coder_args  = args
        self.i           = Signal(i_width)

    def elaborate(self, platform):
        m = Module()
        enc, dec = self.encoder_cls(*self.coder_args), self.decoder_cls(*self.coder_args)
        m.submodules += enc, dec
        m.d.comb += [
            enc.i.eq(self.i),
            dec.i.eq(enc.o),
            Assert(enc.i == dec.o)
        ]
        return m


class HammingDistanceSpec(Elaboratable):
    def __init__(self, distance, encoder_cls, i_width, args):
        self.distance    = distance
        self.encoder_cls = encoder_cls
        self.coder_args  = args
        self.i1          = Signal(i_width)
        self.i2          = Signal(i_width)

    def elaborate(self, platform):
        m = Module()
        enc1, enc2 = self.encoder_cls(*self.coder_args), self.encoder_cls(*self.coder_args)
        m.submodules += enc1, enc2
        m.d.comb += [
            enc1.i.eq(self.i1),
            enc2.i.eq(self.i2),
            Assume(enc1.i + 1 == enc2.i),
            Assert(sum(enc1.o ^ enc2.o) == self.distance)
        ]
        return m


# ---------------------------------------------------------------- GrayCoderTestCase, as classes

class GrayDecoderBug(GrayDecoder):
    """BUG: each output bit XORs only the next input bit, not every bit above it."""

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.o.eq(self.i ^ self.i[1:])
        return m


class BinaryEncoderBug(GrayEncoder):
    """BUG: no encoding at all (binary passes through)."""

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.o.eq(self.i)
        return m


class GrayReversible(ReversibleSpec):
    """``test_reversible``: 16-bit encoder then decoder is the identity."""

    def __init__(self):
        super().__init__(encoder_cls=GrayEncoder, decoder_cls=GrayDecoder, i_width=16, args=(16,))


class GrayReversibleBug(ReversibleSpec):
    HWVERIFY = {"expect": "fail", "step": 0}

    def __init__(self):
        super().__init__(encoder_cls=GrayEncoder, decoder_cls=GrayDecoderBug, i_width=16, args=(16,))


class GrayDistance(HammingDistanceSpec):
    """``test_distance``: 16-bit codes of i and i + 1 differ in exactly one bit."""

    def __init__(self):
        super().__init__(distance=1, encoder_cls=GrayEncoder, i_width=16, args=(16,))


class GrayDistanceBug(HammingDistanceSpec):
    HWVERIFY = {"expect": "fail", "step": 0}

    def __init__(self):
        super().__init__(distance=1, encoder_cls=BinaryEncoderBug, i_width=16, args=(16,))
