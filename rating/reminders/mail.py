"""Sending e-mail: the standard library's SMTP client, set up from the MAIL_* settings.

One connection for a batch of messages. ``MAIL_TLS``: ``starttls`` (port 587, the default),
``ssl`` (SMTPS, port 465) or ``none`` (a relay on the same machine); a user name logs in.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app


def new_message(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((config["ORGANISATION_NAME"], config["MAIL_SENDER"]))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content(body)  # UTF-8, so Bengali arrives as written
    return message


class Mailer:
    """An open SMTP connection: ``with Mailer() as mailer: mailer.send(message)``."""

    def __enter__(self) -> "Mailer":
        config = current_app.config
        host, port, timeout = config["MAIL_HOST"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        if config["MAIL_TLS"] == "ssl":
            self.smtp = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                         context=ssl.create_default_context())
        else:
            self.smtp = smtplib.SMTP(host, port, timeout=timeout)
            if config["MAIL_TLS"] == "starttls":
                self.smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return self

    def send(self, message: EmailMessage) -> None:
        self.smtp.send_message(message)

    def __exit__(self, *exc) -> None:
        try:
            self.smtp.quit()
        except smtplib.SMTPException:
            self.smtp.close()
