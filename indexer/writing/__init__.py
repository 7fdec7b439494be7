"""Writing the index: the schema, builds and updates, generations and the writer lock.

Everything that changes an index directory lives here; searching only
reads what these modules publish.
"""
