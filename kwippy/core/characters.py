"""The characters kwippy neither stores nor writes: one pattern for every app that meets them."""

import re

# What XML 1.0 cannot carry at all: the C0 controls but tab, newline and carriage return, the
# surrogates, U+FFFE and U+FFFF (Django refuses to write a document with one). PostgreSQL text
# cannot hold NUL either.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
