"""Long work off the request (issue 17): exports and documents made by a background job with
a progress bar and a download when done.

An app registers a *kind* (:func:`lianmeng.jobs.registry.register`, from a module named
``job_kinds`` that this app imports at start-up) with a function
``fn(job, report_progress) -> (filename, bytes, content_type)`` (or ``None`` when the job
stores its result elsewhere). :func:`lianmeng.jobs.services.job_start` stores the job and hands
it to the runner: Celery over Redis when ``REDIS_URL`` is set, else a small thread pool in the
web process (``LIANMENG_JOBS_MODE``; the tests run jobs eagerly). Results go through Django's
storage API (``default_storage``) and are deleted after ``LIANMENG_JOBS_KEEP_DAYS`` days.
"""
