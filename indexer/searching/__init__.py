"""Searching one index generation: query language, matching, ranking, facets, snippets.

:func:`indexer.searching.search.search` is the one entry point the web app,
the API and the command line share.
"""
