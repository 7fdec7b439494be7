"""The indexer package: corpus → documents → analysis/entities → index → search.

Importing it applies the fixes in :mod:`indexer.whoosh_compat`, so every
process that writes or reads an index (build workers, the web server, the
command line) runs whoosh with them.
"""

from indexer import whoosh_compat  # noqa: F401  (fixes applied on import)
