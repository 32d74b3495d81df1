"""Small named errors; the CLI turns each into one `Error: ...` line and exit code 2."""


class AuditorError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(AuditorError):
    """An input path is missing or cannot be opened at all."""


class RuleError(AuditorError):
    """A rules file is malformed: names the file, the rule and the option."""


class ConfigError(AuditorError):
    """`[tool.auditor]` settings or command-line options are invalid."""


class ModelError(AuditorError):
    """A model folder is missing, unreadable or not a model of this version."""
