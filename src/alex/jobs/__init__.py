"""The job queue (PostgreSQL, SKIP LOCKED), the worker, and job progress events.

The worker runs the handler registered for each job's type (the composition root registers the
analysis workflow); nothing here knows what a job does.
"""
