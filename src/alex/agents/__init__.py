"""The writers of an analysis: the facts they may use, their typed outputs and the stored payloads.

``facts`` computes every number before any writer runs; ``outputs`` holds the writers' output
types and turns them into the job payloads; ``offline`` has the deterministic writers used when
no language model is configured (and as the fallback when one fails).
"""
