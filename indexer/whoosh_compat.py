"""Corrections for defects of whoosh-reloaded 2.7.5 that cost this project speed.

Imported by :mod:`indexer.schema`, so anything that writes or reads the index
gets them.  Each fix is small, keeps whoosh's behaviour and says why it exists.
"""

from __future__ import annotations

from whoosh.codec import whoosh3


def _cached_reader(self, fieldname, column):
    # whoosh caches a field-length column reader once found, but asks the file
    # system again on every call when a field has no such column: one stat
    # per posting while writing.  Cache the absence too.
    if fieldname not in self._readers:
        self._readers[fieldname] = (self.column_reader(fieldname, column)
                                    if self.has_column(fieldname) else None)
    return self._readers[fieldname]


whoosh3.W3PerDocReader._cached_reader = _cached_reader


# The posting writer keeps short posting lists inside the term table when the
# codec's ``inlinelimit`` allows it, but calls ``set_inline`` on a term info
# whose method is named ``set_inlined`` (the path is dead with the default
# limit, so the typo went unnoticed).
whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined
