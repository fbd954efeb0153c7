"""`formsvc worker`: runs the background jobs (formsvc.jobs) until stopped.

`make run` starts one beside the web server; a deployment runs one or more (systemd units or
containers, see README). Each starts by recovering the jobs of a worker that died.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Jobs run at once (default: FORMSVC_JOB_WORKERS, 2).")
@click.option("--once", is_flag=True, help="Run what is due now, then exit (no periodic jobs).")
@click.option("--no-periodic", is_flag=True,
              help="Leave the periodic jobs (purges, dashboard) to other workers' schedulers.")
@with_appcontext
def worker(workers: int | None, once: bool, no_periodic: bool) -> None:
    """Run background jobs: printing, archives, mail, purges (Ctrl+C stops after the running ones)."""
    from flask import current_app

    from formsvc.jobs import runner
    from formsvc.jobs.queue import job_queue

    queue = job_queue()
    recovered = runner.sweep()
    if once:
        count = queue.run_queued()
        click.echo(f"ジョブを {count} 件実行しました", err=True)
        return
    count = workers or current_app.config["JOB_WORKERS"]
    click.echo(f"formsvc worker: {count} 件ずつ実行します（再開 {recovered['pushed']} 件）。"
               f"キュー: {queue.description}", err=True)
    # Processes, not threads: laying out PDFs is Python code that holds the GIL. Each process is
    # replaced after 50 jobs, which returns the memory a layout leaves behind to the system.
    huey = queue.huey
    huey.storage.close()  # never share the parent's queue connection with the forked workers
    consumer = huey.create_consumer(workers=count, worker_type="process", periodic=not no_periodic,
                                    check_worker_health=True, max_tasks=50)
    consumer.run()


COMMANDS = [worker]
