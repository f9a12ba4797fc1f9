"""Demo newsletter (filled in below)."""


def connect() -> None:
    pass
