"""Fail when a pytest pass ran no test: an empty pass must never look green."""

import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
tests = sum(int(s.get("tests", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
if tests - skipped <= 0:
    sys.exit(f"{sys.argv[1]}: no test ran ({tests} collected, {skipped} skipped)")
print(f"{sys.argv[1]}: {tests - skipped} tests ran, {skipped} skipped")
