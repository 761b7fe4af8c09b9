"""`aurum jobs`: background jobs, as the admin API shows them (never their payloads)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer

from aurum.config import get_settings
from aurum.console.options import Cursor, Json
from aurum.console.output import print_json, print_table
from aurum.console.session import command_session
from aurum.job_admin.schemas import JobPage, JobRead
from aurum.job_admin.service import JobService
from aurum.jobs.repository import JobRepository
from aurum.models.job import JobStatus

jobs_app = typer.Typer(help="Background jobs: emails, housekeeping.", no_args_is_help=True)

T = TypeVar("T")


def _run(action: Callable[[JobService], Awaitable[T]]) -> T:
    async def run() -> T:
        async with command_session(get_settings()) as db:
            return await action(JobService(JobRepository(db)))

    return asyncio.run(run())


@jobs_app.command("list")
def list_jobs(
    status: Annotated[JobStatus | None, typer.Option(help="Only jobs in this state.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only jobs of this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Jobs per page.")] = 20,
    cursor: Cursor = None,
    as_json: Json = False,
) -> None:
    """Jobs, newest first, a page at a time."""
    jobs, next_cursor = _run(
        lambda service: service.list_page(status=status, kind=kind, limit=limit, cursor=cursor)
    )
    items = [JobRead.model_validate(job) for job in jobs]
    if as_json:
        print_json(JobPage(items=items, next_cursor=next_cursor))
        return
    if not items:
        typer.echo("No jobs." if cursor is None else "No more jobs.")
        return
    print_table(
        ["ID", "KIND", "STATUS", "ATTEMPTS", "RUN_AT", "CREATED", "LAST_ERROR"],
        [
            [
                str(job.id),
                job.kind,
                job.status.value,
                job.attempts,
                job.run_at,
                job.created_at,
                job.last_error or "-",
            ]
            for job in items
        ],
    )
    if next_cursor:
        typer.echo(f"\nNext page: aurum jobs list --limit {limit} --cursor {next_cursor}")


@jobs_app.command("retry")
def retry_job(
    job_id: Annotated[uuid.UUID, typer.Argument(metavar="JOB_ID", help="A dead job's id.")],
) -> None:
    """Run a dead job again, from its first attempt (a runner picks it up when it polls)."""
    job = _run(lambda service: service.retry(job_id))
    typer.echo(f"Job {job.id} ({job.kind}) queued again.")


@jobs_app.command("purge")
def purge_jobs(
    status: Annotated[
        JobStatus, typer.Option(help="done or dead: the finished jobs to delete.")
    ] = JobStatus.DONE,
    older_than_days: Annotated[
        int, typer.Option(min=0, help="Only jobs finished more than this many days ago.")
    ] = 0,
) -> None:
    """Delete finished jobs (housekeeping deletes done ones after JOBS_RETENTION_DAYS)."""
    if status not in (JobStatus.DONE, JobStatus.DEAD):
        typer.echo("only done or dead jobs can be purged", err=True)
        raise typer.Exit(code=2)
    purged = _run(
        lambda service: service.purge(status=status, older_than=timedelta(days=older_than_days))
    )
    typer.echo(f"{purged} job(s) deleted.")
