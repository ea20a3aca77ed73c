"""The job worker's entry point: ``huey_consumer worker.huey`` (the Procfile's worker and
scheduler). Any number of workers, on any machines, read one queue (JOB_QUEUE_URL)."""

import rating.evidence.preload  # noqa: F401  (the PDF libraries, loaded before the first pack)
from rating import create_app

app = create_app()
huey = app.extensions["rating.jobs"].huey
