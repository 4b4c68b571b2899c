"""Loaders: read datasets (CSV, JSON Lines), validate rows, write them in batches."""
