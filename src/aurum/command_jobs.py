"""The jobs a command causes (a user disabled: their webhooks' events, their apps' logout
notices) are recorded in the command's transaction; the service's runners deliver them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.backchannel.jobs import LogoutJobs
from aurum.config import Settings
from aurum.jobs.binding import bind_job_runner
from aurum.jobs.kinds import JobRegistry
from aurum.jobs.runner import JobRunner
from aurum.security.keys import KeyStore
from aurum.webhooks.jobs import WebhookJobs


def bind_command_jobs(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """This runner is never started: it only records."""
    keys = KeyStore(sessionmaker, settings.secret_key.get_secret_value())
    registry = JobRegistry(
        [
            WebhookJobs(sessionmaker, settings).kind(),
            LogoutJobs.build(sessionmaker, keys, settings).kind(),
        ]
    )
    bind_job_runner(sessionmaker, JobRunner(sessionmaker, registry, settings))
