"""German text analysis: a tokenizer piped into small filters, compound splitting, folding.

The analyzers here are used by the index at write time and by the query
parser at search time, so both see words the same way.
"""
