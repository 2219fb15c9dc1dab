"""Batch auditing of app lists: one job per app, run on a pool of devices on this host (`pool`) or by Celery
workers on many hosts (`distributed`), resumable, with each job's result written once under its key (`jobs`).

    applist.py      the app list (CSV or YAML), validated whole before anything runs; each row becomes a Job
    jobs.py         job keys, the output directory: attempts, the atomic commit of a result, job states
    attempt.py      one attempt of one job: `consent-audit run-one` in a subprocess with a hard timeout
    devices.py      device slots (Android serials, sandbox slots): preflight and reset before every app
    pool.py         the local pool: one worker per device, retries, quarantine
    distributed.py  the Celery app, its task and the `batch --broker` submitter
    outputs.py      batch.json, index.html, junit.xml and the aggregate picture
    progress.py     the live display on a terminal, plain lines elsewhere
"""
