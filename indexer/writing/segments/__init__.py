"""The archive's own writer of whoosh segments: whoosh reads them, NumPy writes them.

whoosh stays the source of truth: every generation opens with
``whoosh.index.open_dir``, holds the schema and the stored fields, and
whoosh's own searcher answers from it.  Only the writing is done here, for a
whole segment at a time, instead of one Python call per token and posting:

* :mod:`~indexer.writing.segments.sink` – records in, closed segments out (the build's entry);
* :mod:`~indexer.writing.segments.forms` – text fields analysed once per distinct word form;
* :mod:`~indexer.writing.segments.form_cache` – the analysed forms kept for the next build;
* :mod:`~indexer.writing.segments.writer` – one batch of documents -> one segment;
* :mod:`~indexer.writing.segments.small_fields` – terms of ids, keywords, numbers and dates;
* :mod:`~indexer.writing.segments.postings` – tokens -> sorted postings with encoded values;
* :mod:`~indexer.writing.segments.postfile` – posting blocks (``.pst``) and term infos;
* :mod:`~indexer.writing.segments.termtable` – the term table (``.trm``);
* :mod:`~indexer.writing.segments.perdoc` – stored fields, field lengths and columns;
* :mod:`~indexer.writing.segments.compound` – the compound segment file (``.seg``);
* :mod:`~indexer.writing.segments.merge` – several segments -> one, with the encoders above;
* :mod:`~indexer.writing.segments.ragged`, :mod:`~indexer.writing.segments.pickles` –
  byte strings and pickle opcodes for whole arrays;
* :mod:`~indexer.writing.segments.malloc` – keeps zlib's memory from being returned each call.
"""
