"""One article per near-duplicate cluster: collapsing a result list.

An agency story printed by five outlets is one cluster
(:mod:`indexer.writing.duplicates`); with collapsing on, a result list shows
the best-ranked article of each cluster and how many others it stands for,
and totals, facets and timelines count clusters instead of articles.
"""

from __future__ import annotations

import numpy as np


def representatives(clusters: np.ndarray, key: np.ndarray, docnums: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The first article of each cluster in result order, and each cluster's size.

    ``clusters`` and ``key`` hold a cluster code and a sort key (smaller
    first) per document of ``docnums``; ties go to the lower document
    number.  Returns positions into ``docnums``, in result order, and the
    number of matching articles of each one's cluster.
    """
    if not docnums.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((docnums, key))
    _, first, sizes = np.unique(clusters[order], return_index=True, return_counts=True)
    in_result_order = np.argsort(first, kind="stable")
    return order[first[in_result_order]], sizes[in_result_order]
