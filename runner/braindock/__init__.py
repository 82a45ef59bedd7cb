"""braindock: score how brain-like a containerized model is, reproducibly."""

__version__ = "0.1.0"
SPEC_VERSION = "1.0"
