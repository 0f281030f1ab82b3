"""Deterministic writers: the report, charts and retirement explanation with no language model.

They are the default when no model is configured and the fallback when one fails; every number
they print is formatted from ``AnalysisFacts`` (see ``grounding``), and each output says it was
written offline.
"""
