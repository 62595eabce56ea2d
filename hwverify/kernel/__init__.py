"""The trusted kernel: independent checks of certificates and traces.

It imports only the semantics (terms, evaluator, SMT-LIB printer, BTOR2
reader) and solver libraries, never the engines or frontends, so a bug in an
engine cannot vouch for itself. ``check_evidence`` checks all the evidence of
one run together, sharing the solver work between items.
"""
from hwverify.kernel.check import CheckReport, check_certificate, check_certificates, check_evidence, check_trace

__all__ = ["CheckReport", "check_certificate", "check_certificates", "check_evidence", "check_trace"]
