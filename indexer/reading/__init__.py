"""Reading archives: files in text, JSON Lines and CSV become :class:`Document` records.

Bad input is reported as a :class:`~indexer.reading.corpus.Problem` with its
file and line, never raised.
"""
