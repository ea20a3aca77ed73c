"""Background jobs: a row per job in the database (the truth: who holds it, until when, how far
it got) and a Huey queue that carries only the job's id to any worker on any machine."""
