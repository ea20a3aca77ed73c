"""One kind of exception for a change the rules refuse, raised by every feature's services.

A service says which rule refused it by a ``code`` (and ``params`` for the message); the view
words the code in the reader's language and picks the HTTP answer. Services never know HTTP.
Each feature names its own subclass (``CycleError``, ``DirectoryError`` ...) so a view catches
only the refusals of the service it called.
"""


class Refused(ValueError):
    """A change the rules refuse: ``code`` names the rule, ``params`` fill in its message."""

    # ``code`` is positional-only: the params may hold a ``code`` of their own (an office code).
    def __init__(self, code: str, /, **params):
        super().__init__(code)
        self.code = code
        self.params = params
