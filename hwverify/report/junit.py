"""JUnit XML for CI: one test case per property, and per task of a project (or per SBY task).

PASS is a passing case, FAIL a ``<failure>``, and anything without a verdict
(UNKNOWN, TIMEOUT, ERROR) an ``<error>``, so a CI dashboard never shows an
undecided property as green. ``message`` is the one line a dashboard lists;
``details`` (the element's text: step, source location, the first lines of
the counterexample) is what it shows when the case is opened; ``output``
goes to ``<system-out>`` (the verdict of an expected failure, say).
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass
class JUnitCase:
    """One test case: ``status`` is PASS, FAIL, UNKNOWN, TIMEOUT or ERROR."""

    name: str
    status: str
    seconds: float = 0.0
    message: str = ""
    classname: str = "hwverify"
    details: str = ""       # the failure's or error's text (default: ``message``)
    output: str = ""        # <system-out>


def junit_xml(suite: str, cases: list[JUnitCase]) -> str:
    """The JUnit XML text of one test suite."""
    failures = sum(c.status == "FAIL" for c in cases)
    errors = sum(c.status not in ("PASS", "FAIL") for c in cases)
    root = ET.Element("testsuites")
    ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)), failures=str(failures),
                       errors=str(errors), time=f"{sum(c.seconds for c in cases):.3f}")
    for c in cases:
        tc = ET.SubElement(ts, "testcase", name=c.name, classname=c.classname, time=f"{c.seconds:.3f}")
        if c.status == "FAIL":
            ET.SubElement(tc, "failure", type="FAIL", message=c.message or "property fails").text = \
                c.details or c.message
        elif c.status != "PASS":
            ET.SubElement(tc, "error", type=c.status, message=c.message or c.status).text = c.details or c.message
        if c.output:
            ET.SubElement(tc, "system-out").text = c.output
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(path: str, suite: str, cases: list[JUnitCase]) -> None:
    """Write the suite to ``path``, creating its folder (CI paths like reports/x.xml)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as fh:
        fh.write(junit_xml(suite, cases))
