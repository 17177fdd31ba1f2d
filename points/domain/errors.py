"""The one refusal of the points domain: ``errors`` maps a field (or ``""``) to messages in
Chinese, shown beside the field on pages and as 422/409 in the API."""


class PointsRefused(ValueError):
    def __init__(self, errors: dict[str, list[str]] | str, *, conflict: bool = False) -> None:
        if isinstance(errors, str):
            errors = {"": [errors]}
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors
        self.conflict = conflict  # the row moved meanwhile (HTTP 409), not bad input
