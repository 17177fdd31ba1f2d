"""Why an Open311 call cannot be answered, with the HTTP status GeoReport v2 gives it: 404
for what does not exist, 403 for a missing or wrong ``api_key``, 400 for the rest."""


class Refused(Exception):
    def __init__(self, status: int, *messages: str) -> None:
        super().__init__("；".join(messages))
        self.status = status
        self.messages = messages
