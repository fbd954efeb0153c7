"""Background work: jobs kept in the database and run by `formsvc worker` through huey.

* ``registry`` – the kinds of job: what each does, how often it is tried, what it is called;
* ``models``   – ``jobs`` (one row per job: state, attempts, progress, heartbeat) and
  ``job_files`` (what a job made, e.g. a PDF, kept in the database so every server sees it);
* ``queue``    – ``enqueue`` in the caller's transaction; huey carries the job's id to a worker
  once that transaction commits;
* ``runner``   – what a worker does with an id: claim, heartbeat, run, retry with backoff,
  fail for good (a dead letter) — and the sweep that brings back the jobs of a dead worker;
* ``views``    – the staff pages: a job's progress and its file; failed jobs for administrators.
"""
