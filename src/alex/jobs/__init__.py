"""The job worker: claims jobs from the queue (``alex.db.job_queue``), runs N at once, heart-beats,
reclaims stalled jobs and stops gracefully.

It runs the handler registered for each job's type (the composition root registers the analysis
workflow); nothing here knows what a job does.
"""
