"""Account business logic: issuing accounts (``issuing``), the Excel roster (``roster``),
passwords, deactivation (``passwords``) and coverage per node (``coverage``)."""
