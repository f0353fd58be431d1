from celery import shared_task

from .services import recover


@shared_task(name="aims.tasks.recover_background_tasks", ignore_result=True)
def recover_background_tasks() -> dict:
    """Beat, every minute: send what the broker refused, take over work of dead workers."""
    return recover()
