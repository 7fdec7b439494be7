"""Corrections for defects of whoosh-reloaded 2.7.5 that cost this project speed.

Imported by :mod:`indexer.schema`, so anything that writes or reads the index
gets them.  Each fix is small, keeps whoosh's behaviour and says why it exists.
"""

from __future__ import annotations

from whoosh.codec import whoosh3
from whoosh.matching import mcore
from whoosh.util.numeric import byte_to_length


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


_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def _doc_field_length(self, docnum, fieldname, default=0):
    # whoosh reads and unpacks one byte through the column reader for every
    # call: once per posting while a segment is written, once per document and
    # term while whoosh scores.  Read each length column once per reader.
    cache = self.__dict__.setdefault("_length_bytes", {})
    data = cache.get(fieldname)
    if data is None:
        column = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if column is None:
            return default
        data = cache[fieldname] = column._dbfile.get(column._basepos, column._count)
    if docnum > self._doccount:
        raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
    lbyte = data[docnum] if docnum < len(data) else 0
    return _BYTE_TO_LENGTH[lbyte] if lbyte else None  # None for 0, as whoosh does


whoosh3.W3PerDocReader.doc_field_length = _doc_field_length


_list_value = mcore.ListMatcher.value


def _list_matcher_value(self):
    # A posting list kept in the term table is read through a ListMatcher,
    # which returns the text "" for a posting without a value where every
    # other matcher returns bytes; merging segments then fails on it.
    value = _list_value(self)
    return b"" if value == "" else value


mcore.ListMatcher.value = _list_matcher_value
