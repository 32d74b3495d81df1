"""One module per benchmark task; each exposes `add_arguments(parser)` and `run(args) -> dict`."""
