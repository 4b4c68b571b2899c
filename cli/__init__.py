"""The ``ckg`` command line: a thin adapter over :mod:`graph` and :mod:`loaders`."""
