"""Guardrails around every model call: input sanitising, output grounding, size and token limits."""
