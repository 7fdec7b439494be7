"""Training the entity tagger (``make train-entities``); never needed at run time.

* :mod:`~indexer.entities.training.germeval`  GermEval 2014 files as labelled sentences
* :mod:`~indexer.entities.training.examples`  sentences → crfsuite examples; fitting
* :mod:`~indexer.entities.training.silver`    confident tagger output on news (self-training)
* :mod:`~indexer.entities.training.thresholds`  per-type confidence thresholds from dev
* :mod:`~indexer.entities.training.train`     the command that writes the shipped files
"""
