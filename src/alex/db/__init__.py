"""Persistence, and every SQL statement of Alex: SQLAlchemy models, the engine, repositories, the job
queue and its progress events, migrations, the embedded PostgreSQL and the seed.

The commit rule: functions here read and write in the caller's session and never commit (they
flush when they need a generated value). Whoever owns the unit of work commits it: a service
(``alex.services``) for what a user does, the analysis workflow for a job's steps, and
``run_with_session`` for one-off work from the command line. The job queue's own transactions
(enqueue, claim, heartbeat, outcome) and progress events are units of their own and commit
inside ``job_queue`` and ``job_events``.
"""
