"""The WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""

from rating import create_app

app = create_app()
