"""The job queue (PostgreSQL, SKIP LOCKED), the worker, and job progress events."""
