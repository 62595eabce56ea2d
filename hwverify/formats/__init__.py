"""File formats, apart from the IR: BTOR2, SMT-LIB, VCD."""
